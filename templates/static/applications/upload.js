// Upload forms (templates/applications/documents/_upload_form.html): send the file with
// XMLHttpRequest to show its progress in the form's <progress>, then show the page the
// server answers (the redirect after a stored upload, or the page with the error).
// Without this script the form posts as it is; the server's answer is the same.
(function () {
  "use strict";

  function showPage(html, url) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var main = next.querySelector("main");
    if (!main) { window.location.assign(url); return; }
    document.title = next.title;
    document.querySelector("main").replaceWith(main);
    if (url && url !== window.location.href) { window.history.pushState(null, "", url); }
    var focus = main.querySelector("#error-summary") || main.querySelector("[role=status]") || main;
    focus.focus();
  }

  function chosenFile(form) {
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].files && inputs[i].files.length) { return inputs[i].files[0]; }
    }
    return null;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-upload") || !window.FormData) { return; }
    var file = chosenFile(form);
    var box = form.querySelector(".documents-upload__progress");
    var bar = box && box.querySelector("progress");
    var status = box && box.querySelector(".documents-upload__status");
    if (!file || !bar) { return; } // nothing chosen: the server says what is missing
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (max && file.size > max) {
      event.preventDefault();
      box.hidden = false;
      status.textContent = form.getAttribute("data-too-large");
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      status.textContent = (status.getAttribute("data-uploading") || "") + " " + percent + " %";
    });
    xhr.addEventListener("load", function () { showPage(xhr.responseText, xhr.responseURL); });
    xhr.addEventListener("error", function () {
      if (button) { button.disabled = false; }
      status.textContent = form.getAttribute("data-failed");
    });
    box.hidden = false;
    bar.value = 0;
    if (button) { button.disabled = true; }
    xhr.send(new FormData(form));
  });
})();
