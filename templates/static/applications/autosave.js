// Saving a step's field as the person leaves it. The step form has hx-post with
// hx-trigger="change" and hx-swap="none" (templates/applications/apply/_layout.html):
// htmx posts the whole form to the step's URL, the view saves through the same
// services as the buttons and answers with out-of-band swaps (the new version,
// the field with its message, a line in the status region). Here: the name of
// the field that changed goes along, and a button pressed while a save is still
// under way waits for it, so that the form posts the version that save returned.
(function () {
  "use strict";
  var pending = 0;
  var waiting = null;

  function isAutosaveForm(element) {
    return element && element.matches && element.matches("form[data-autosave]");
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (!isAutosaveForm(event.detail.elt)) {
      return;
    }
    var source = event.detail.triggeringEvent && event.detail.triggeringEvent.target;
    if (!source || !source.name) {
      event.preventDefault();
      return;
    }
    event.detail.parameters.autosave = source.name;
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isAutosaveForm(event.detail.elt)) {
      pending += 1;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!isAutosaveForm(event.detail.elt)) {
      return;
    }
    pending = Math.max(0, pending - 1);
    // After htmx has started a save it queued meanwhile (that counts as pending again).
    window.setTimeout(submitWaiting, 0);
  });

  function submitWaiting() {
    if (pending === 0 && waiting) {
      var form = waiting.form;
      var submitter = waiting.submitter;
      waiting = null;
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
    }
  }

  document.addEventListener("submit", function (event) {
    if (pending > 0 && isAutosaveForm(event.target)) {
      event.preventDefault();
      waiting = { form: event.target, submitter: event.submitter };
    }
  });
})();
