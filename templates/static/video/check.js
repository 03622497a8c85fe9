/* Device and connection check: send camera and microphone to the server's
 * aiortc peer, see and hear them come back, measure the round trip over a
 * data channel and show the server's report. */
(function () {
  "use strict";

  var gettext = window.gettext || function (s) { return s; };
  var $ = function (id) { return document.getElementById(id); };
  var api = ($("check") || $("main")).dataset.checkApi;
  var guestKey = new URLSearchParams(location.hash.slice(1)).get("guest");
  var run = null;

  function say(text) { $("status").textContent = text; }
  function problem(text) { $("problem").textContent = text || ""; $("problem").hidden = !text; }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function headers(extra) {
    var h = Object.assign({ Accept: "application/json", "X-CSRFToken": csrfToken() }, extra || {});
    if (guestKey) { h["X-Video-Guest"] = guestKey; }
    return h;
  }

  var listDevices = window.videoDevices.list;  // devices.js

  function gathered(pc) {
    if (pc.iceGatheringState === "complete") { return Promise.resolve(); }
    return new Promise(function (resolve) {
      pc.addEventListener("icegatheringstatechange", function () {
        if (pc.iceGatheringState === "complete") { resolve(); }
      });
      setTimeout(resolve, 3000);
    });
  }

  function yesNo(value) { return value ? gettext("yes") : gettext("no"); }

  function show(result) {
    $("r-video").textContent = yesNo(result.media && result.media.video);
    $("r-audio").textContent = yesNo(result.media && result.media.audio);
    $("r-candidate").textContent = {
      host: gettext("direct"), srflx: gettext("direct through your router"), prflx: gettext("direct through your router"),
      relay: gettext("through the relay server (TURN)")
    }[result.candidate_type] || "–";
    var rtt = run && run.rtt !== null ? run.rtt : (result.round_trip_time !== null ? result.round_trip_time * 1000 : null);
    $("r-rtt").textContent = rtt === null ? "–" : Math.round(rtt) + " ms";
    $("r-packets").textContent = String(result.packets_received || 0);
  }

  async function start() {
    problem("");
    $("start").disabled = true;
    var stream;
    try {
      var camera = $("camera").value, microphone = $("microphone").value;
      stream = await navigator.mediaDevices.getUserMedia({
        video: camera ? { deviceId: { exact: camera } } : true,
        audio: microphone ? { deviceId: { exact: microphone } } : true
      });
    } catch (err) {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        problem(gettext("No camera is available: only sound is tested."));
      } catch (err2) {
        problem(gettext("Neither camera nor microphone is available. Check your browser's permissions."));
        $("start").disabled = false;
        return;
      }
    }
    await listDevices();
    $("local").srcObject = stream;
    var pc = new RTCPeerConnection({ iceServers: [] });
    run = { pc: pc, stream: stream, id: null, rtt: null, timers: [] };
    stream.getTracks().forEach(function (t) { pc.addTrack(t, stream); });
    pc.ontrack = function (event) { $("echo").srcObject = event.streams[0] || new MediaStream([event.track]); };
    var channel = pc.createDataChannel("check");
    channel.onmessage = function (event) {
      var sent = Number(String(event.data).slice(5));
      if (sent) { run.rtt = performance.now() - sent; }
    };
    channel.onopen = function () {
      run.timers.push(setInterval(function () { channel.send("ping " + performance.now()); }, 1000));
    };
    say(gettext("Connecting to the test server …"));
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    var response = await fetch(api, {
      method: "POST", credentials: "same-origin", headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ type: "offer", sdp: pc.localDescription.sdp })
    });
    var body = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      problem(response.status === 503
        ? gettext("All tests are in use right now. Please try again in a minute.")
        : (body.detail || gettext("The test could not start.")));
      stop();
      return;
    }
    run.id = body.id;
    await pc.setRemoteDescription({ type: "answer", sdp: body.sdp });
    say(gettext("The test is running: you should see and hear yourself."));
    $("stop").hidden = false;
    run.timers.push(setInterval(poll, 2000));
    run.timers.push(setTimeout(stop, 60000));
  }

  async function poll() {
    if (!run || !run.id) { return; }
    var response = await fetch(api + run.id + "/", { credentials: "same-origin", headers: headers() });
    if (response.ok) { show(await response.json()); }
  }

  async function stop() {
    if (!run) { return; }
    var current = run;
    run = null;
    current.timers.forEach(function (t) { clearInterval(t); clearTimeout(t); });
    if (current.id) {
      var response = await fetch(api + current.id + "/", { method: "DELETE", credentials: "same-origin", headers: headers() });
      if (response.ok) { show(await response.json()); }
    }
    current.pc.close();
    current.stream.getTracks().forEach(function (t) { t.stop(); });
    $("stop").hidden = true;
    $("start").disabled = false;
    say(gettext("The test has ended."));
  }

  $("start").addEventListener("click", start);
  $("stop").addEventListener("click", stop);
  if (navigator.mediaDevices) { listDevices().catch(function () {}); }
})();
