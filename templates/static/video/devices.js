/* The camera and microphone lists that the room and the device check share.
 * Loaded before room.js and check.js (no inline scripts: the CSP forbids them). */
(function () {
  "use strict";

  var gettext = window.gettext || function (s) { return s; };
  var KINDS = [["camera", "videoinput"], ["microphone", "audioinput"]];

  /* Fill the <select id="camera"> and <select id="microphone"> with the browser's
   * devices, keeping the current choice; an empty list is disabled. Labels are
   * empty until the page was allowed to use the devices: then "Camera 1", ... */
  async function listDevices() {
    var devices = await navigator.mediaDevices.enumerateDevices();
    KINDS.forEach(function (pair) {
      var select = document.getElementById(pair[0]);
      var current = select.value;
      select.textContent = "";
      devices.filter(function (d) { return d.kind === pair[1]; }).forEach(function (d, i) {
        var option = document.createElement("option");
        option.value = d.deviceId;
        option.textContent = d.label || (pair[0] === "camera" ? gettext("Camera") : gettext("Microphone")) + " " + (i + 1);
        select.appendChild(option);
      });
      if (current) { select.value = current; }
      select.disabled = select.options.length === 0;
    });
  }

  window.videoDevices = { list: listDevices };
})();
