/* The video room: device preview, waiting room, signalling over the room
 * WebSocket (docs/video.md) and one RTCPeerConnection per other participant,
 * with "perfect negotiation" (glare-free offers from both sides), ICE
 * restarts on network trouble and an audio-only mode.
 * Media goes browser to browser; the server only relays signalling messages. */
(function () {
  "use strict";

  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (_, key) { return String(obj[key]); });
  };
  var $ = function (id) { return document.getElementById(id); };
  var main = $("room") || $("main"); // the room inside the portal layout (templates/video/room.html)
  var guestKey = new URLSearchParams(location.hash.slice(1)).get("guest");
  // Codes after which reconnecting cannot help (docs/video.md, close codes). Every
  // other code reconnects with back-off: 4401 with a fresh token, 4503 (signalling
  // briefly unavailable: Redis away or a server restart) after the server's retry_after.
  var FINAL = { 4400: 1, 4403: 1, 4404: 1, 4409: 1, 4410: 1, 4411: 1, 4413: 1, 4425: 1, 4429: 1 };
  var UNAVAILABLE = 4503;
  var ROLE = {
    citizen: gettext("Citizen"),
    counsellor: gettext("Counsellor"),
    guest: gettext("Guest"),
    interpreter: gettext("Interpreter"),
    person_of_trust: gettext("Person of trust")
  };

  var state = {
    ticket: null, ws: null, me: null, role: null, admitted: false, done: false,
    stream: null, peers: new Map(), names: new Map(), audioOnly: false, retries: 0, retryTimer: null,
    retryAfter: 0, notice: ""
  };

  function say(text) { $("status").textContent = text; }
  function problem(text) {
    $("problem").textContent = text || "";
    $("problem").hidden = !text;
    state.notice = "";
  }
  // A passing notice (signalling unavailable): shown like a problem, gone once we are back.
  function notice(text) {
    problem(text);
    state.notice = text;
  }
  function clearNotice() {
    if (state.notice && $("problem").textContent === state.notice) { problem(""); }
  }
  function show(section) {
    ["setup", "waiting", "call", "ended"].forEach(function (id) { $(id).hidden = id !== section; });
    var heading = $(section + "-title");
    if (heading && section !== "setup") { heading.focus(); }
  }
  function when(iso) {
    return new Date(iso).toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "medium", timeStyle: "short"
    });
  }

  // --- Devices ---------------------------------------------------------------------

  var listDevices = window.videoDevices.list;  // devices.js

  async function openDevices() {
    var camera = $("camera").value, microphone = $("microphone").value;
    var video = { width: { ideal: 640 }, height: { ideal: 480 } };
    if (camera) { video.deviceId = { exact: camera }; }
    var audio = microphone ? { deviceId: { exact: microphone } } : true;
    var stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: video, audio: audio });
    } catch (err) {
      // Audio-only fallback: no camera, or the camera is refused or busy.
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: audio });
        setAudioOnly(true);
        problem(gettext("No camera is available: you take part with sound only."));
      } catch (err2) {
        stream = new MediaStream();
        problem(gettext("Neither camera nor microphone is available. Check your browser's permissions; you can still see and hear the others."));
      }
    }
    if (state.stream) { state.stream.getTracks().forEach(function (t) { t.stop(); }); }
    state.stream = stream;
    $("preview").srcObject = stream;
    $("self").srcObject = stream;
    state.peers.forEach(function (peer) { replaceTracks(peer); });
    return stream;
  }

  function replaceTracks(peer) {
    peer.pc.getSenders().forEach(function (sender) {
      if (!sender.track) { return; }
      var kind = sender.track.kind;
      var track = state.stream.getTracks().filter(function (t) { return t.kind === kind; })[0];
      if (track) { sender.replaceTrack(track); }
    });
  }

  // --- The ticket and the socket -----------------------------------------------------

  // fetchTicket's answer when the server cannot answer right now (restart, network change).
  var TRANSIENT = {};

  async function fetchTicket() {
    var headers = { Accept: "application/json" };
    if (guestKey) { headers["X-Video-Guest"] = guestKey; }
    var response;
    try {
      response = await fetch(main.dataset.roomApi, { headers: headers, credentials: "same-origin" });
    } catch (err) {
      return TRANSIENT;  // no answer at all: the server is restarting or the network is away
    }
    var body = await response.json().catch(function () { return {}; });
    if (response.ok) { return body; }
    if (response.status >= 500 && state.ticket) { return TRANSIENT; }  // while reconnecting: try again
    if (response.status === 401 || (response.status === 403 && body.code === "not_authenticated")) {
      var link = document.createElement("a");
      link.href = main.dataset.loginUrl;
      link.textContent = gettext("Please log in to join the consultation.");
      $("problem").textContent = "";
      $("problem").appendChild(link);
      $("problem").hidden = false;
    } else if (body.code === "room_not_open") {
      problem(interpolate(gettext("The video room opens at %(time)s, 15 minutes before the appointment."), { time: when(body.opens_at) }, true));
    } else if (body.code === "room_closed") {
      problem(gettext("The video room is closed."));
    } else if (body.code === "appointment_cancelled") {
      problem(gettext("The appointment was cancelled."));
    } else if (response.status === 404) {
      problem(gettext("This video consultation was not found, or the invitation link is no longer valid."));
    } else {
      problem(body.detail || gettext("The video room is not available right now. Please try again."));
    }
    return null;
  }

  async function connect() {
    clearTimeout(state.retryTimer);
    var ticket = await fetchTicket();
    if (ticket === TRANSIENT) {
      if (state.ticket) { reconnectLater(1006); return true; }  // we were in the room: keep trying
      problem(gettext("The video room is not available right now. Please try again."));
      return false;
    }
    if (!ticket) { return false; }
    state.ticket = ticket;
    state.role = ticket.role;
    say(gettext("Connecting …"));
    var ws = new WebSocket(ticket.websocket + "?token=" + encodeURIComponent(ticket.token));
    state.ws = ws;
    ws.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      handle(message).catch(function (err) { console.warn("video room:", err); });
    };
    ws.onclose = function (event) { if (ws === state.ws) { onClosed(event.code); } };
    return true;
  }

  function send(message) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) { state.ws.send(JSON.stringify(message)); }
  }

  function onClosed(code) {
    state.ws = null;
    if (state.done || FINAL[code]) { return; }
    reconnectLater(code);
  }

  function reconnectLater(code) {
    if (state.done) { return; }
    // A dropped connection (network change, server restart, Redis away): come back
    // with a fresh token. Peer connections keep running meanwhile; the welcome
    // after the reconnect starts them afresh.
    state.retries += 1;
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(state.retries, 5)));
    if (code === UNAVAILABLE) {
      delay = Math.max(delay, 1000 * (state.retryAfter || 2));
      notice(gettext("The video service is briefly unavailable. Your call may go on; reconnecting …"));
    } else {
      say(gettext("The connection was interrupted. Reconnecting …"));
    }
    // Jitter: after a restart, not everyone comes back in the same moment.
    delay += Math.floor(Math.random() * 1000);
    state.retryTimer = setTimeout(connect, delay);
  }

  // --- Messages from the server ------------------------------------------------------

  async function handle(message) {
    switch (message.type) {
      case "welcome":
        state.retries = 0;
        clearNotice();
        state.me = message.you.id;
        remember(message.participants);
        $("end").hidden = state.role !== "counsellor";
        $("lobby").hidden = state.role !== "counsellor";
        if (message.state === "admitted") { enterCall(); } else { enterWaiting(message.invited || []); }
        break;
      case "lobby": showLobby(message.waiting); break;
      case "admitted": remember(message.participants); enterCall(); break;
      case "peer-joined":
        remember([message.participant]);
        // The ones already present offer to the newcomer (adding tracks fires negotiationneeded).
        closePeer(message.participant.id);
        peerFor(message.participant.id, politeTowards(message.participant.id));
        say(interpolate(gettext("%(name)s joined."), { name: message.participant.display_name }, true));
        break;
      case "peer-left":
        closePeer(message.participant);
        say(interpolate(gettext("%(name)s left."), { name: state.names.get(message.participant) || "" }, true));
        break;
      case "signal": await onSignal(message.from, message.data); break;
      case "room-ended": finish(endedText(message.reason), message.reason !== "cancelled" && state.role === "counsellor"); break;
      case "removed": finish(gettext("You were removed from the consultation."), false); break;
      case "replaced": finish(gettext("You joined the consultation in another window or tab."), true); break;
      case "error": handleError(message); break;
      case "unavailable":
        // Close 4503 follows; onClosed reconnects after retry_after seconds at the earliest.
        state.retryAfter = message.retry_after || 2;
        say(gettext("The video service is briefly unavailable. Your call may go on; reconnecting …"));
        break;
    }
  }

  function endedText(reason) {
    return {
      ended: gettext("The counsellor ended the consultation."),
      cancelled: gettext("The appointment was cancelled."),
      rescheduled: gettext("The appointment was moved to another time. You will find the new time in your appointments."),
      closed: gettext("The time for this consultation is over.")
    }[reason] || gettext("The consultation has ended.");
  }

  function handleError(message) {
    if (message.code === "token_expired" || message.code === "token_invalid") { return; }  // reconnect fetches a new one
    if (message.code === "room_ended") { finish(gettext("The counsellor ended the consultation."), false); return; }
    if (["not_found", "room_closed", "room_not_open", "appointment_cancelled", "forbidden"].indexOf(message.code) >= 0) {
      state.done = true;
      problem(message.message);
      return;
    }
    console.warn("video room:", message.code, message.message);
  }

  function remember(participants) {
    (participants || []).forEach(function (p) { state.names.set(p.id, p.display_name); });
  }

  function enterWaiting(invited) {
    // Waiting means not in the call, also after a reconnect that found the admission forgotten.
    state.peers.forEach(function (_, id) { closePeer(id); });
    state.admitted = false;
    show("waiting");
    say(gettext("You are in the waiting room."));
    var list = $("invited-list");
    list.textContent = "";
    invited.forEach(function (guest) {
      var item = document.createElement("li");
      item.textContent = guest.display_name + " (" + (ROLE[guest.kind] || ROLE.guest) + (guest.language ? ", " + guest.language : "") + ")";
      list.appendChild(item);
    });
    $("invited").hidden = invited.length === 0;
  }

  function enterCall() {
    // After a reconnect the others offer again: start from clean connections.
    state.peers.forEach(function (_, id) { closePeer(id); });
    state.admitted = true;
    show("call");
    say(state.role === "counsellor" ? gettext("You are in the consultation.") : gettext("You were let in. The consultation begins."));
  }

  function showLobby(waiting) {
    var list = $("lobby-list");
    list.textContent = "";
    waiting.forEach(function (p) {
      var item = document.createElement("li");
      var label = document.createElement("span");
      label.textContent = p.display_name + " (" + (ROLE[p.role] || p.role) + ")";
      var admit = document.createElement("button");
      admit.type = "button";
      admit.className = "primary";
      admit.textContent = gettext("Let in");
      admit.setAttribute("aria-label", interpolate(gettext("Let %(name)s in"), { name: p.display_name }, true));
      admit.addEventListener("click", function () { send({ type: "admit", participant: p.id }); });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = gettext("Remove");
      remove.setAttribute("aria-label", interpolate(gettext("Remove %(name)s"), { name: p.display_name }, true));
      remove.addEventListener("click", function () { send({ type: "remove", participant: p.id }); });
      item.append(label, admit, remove);
      list.appendChild(item);
    });
    $("lobby-empty").hidden = waiting.length > 0;
    if (waiting.length) {
      say(interpolate(gettext("%(count)s person(s) waiting."), { count: waiting.length }, true));
    }
  }

  function finish(text, canRejoin) {
    state.done = true;
    state.peers.forEach(function (_, id) { closePeer(id); });
    if (state.ws) { state.ws.close(1000); state.ws = null; }
    $("ended-reason").textContent = text;
    $("rejoin").hidden = !canRejoin;
    show("ended");
    say(text);
  }

  // --- Peer connections: perfect negotiation -----------------------------------------

  // Perfect negotiation needs exactly one polite side per pair. Who joined last cannot
  // decide it: after a server restart both come back at once, each is told the other
  // joined, both offer, and two impolite sides would ignore each other's offer for ever.
  // The participant ids decide, the same way on both sides.
  function politeTowards(id) {
    return state.me < id;
  }

  function peerFor(id, polite) {
    var existing = state.peers.get(id);
    if (existing) { return existing; }
    var pc = new RTCPeerConnection({ iceServers: state.ticket.ice_servers });
    var peer = { id: id, pc: pc, polite: polite, makingOffer: false, ignoreOffer: false, restartTimer: null };
    state.peers.set(id, peer);
    state.stream.getTracks().forEach(function (track) { pc.addTrack(track, state.stream); });
    // Receive the others' picture even without a camera of our own.
    if (state.stream.getVideoTracks().length === 0) { pc.addTransceiver("video", { direction: "recvonly" }); }
    if (state.stream.getAudioTracks().length === 0) { pc.addTransceiver("audio", { direction: "recvonly" }); }
    if (state.audioOnly) { videoDirection(pc, "inactive"); }

    pc.onnegotiationneeded = async function () {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        send({ type: "signal", to: id, data: { description: pc.localDescription.toJSON() } });
      } catch (err) {
        console.warn("video room: offer failed", err);
      } finally {
        peer.makingOffer = false;
      }
    };
    pc.onicecandidate = function (event) {
      send({ type: "signal", to: id, data: { candidate: event.candidate ? event.candidate.toJSON() : null } });
    };
    pc.ontrack = function (event) {
      var video = remoteVideo(id);
      if (!video.srcObject) { video.srcObject = event.streams[0] || new MediaStream(); }
      if (!event.streams[0]) { video.srcObject.addTrack(event.track); }
      video.play().catch(function () {});
    };
    pc.oniceconnectionstatechange = function () {
      var ice = pc.iceConnectionState;
      clearTimeout(peer.restartTimer);
      if (ice === "failed") {
        pc.restartIce();
      } else if (ice === "disconnected") {
        // Often a network change: give it a moment, then restart ICE.
        peer.restartTimer = setTimeout(function () {
          if (pc.iceConnectionState === "disconnected") { pc.restartIce(); }
        }, 3000);
      }
    };
    pc.onconnectionstatechange = function () {
      var text = {
        connecting: gettext("Connecting …"),
        connected: gettext("Connected."),
        disconnected: gettext("The connection is unstable …"),
        failed: gettext("The connection failed. Trying again …")
      }[pc.connectionState];
      if (text) { say(text); }
      var figure = $("peer-" + id);
      if (figure) { figure.dataset.state = pc.connectionState; }
    };
    return peer;
  }

  async function onSignal(from, data) {
    if (!state.admitted) { return; }
    // An offer from someone we have no connection with: we are the newcomer.
    var peer = peerFor(from, politeTowards(from));
    var pc = peer.pc;
    if (data.description) {
      var description = data.description;
      var collision = description.type === "offer" && (peer.makingOffer || pc.signalingState !== "stable");
      peer.ignoreOffer = !peer.polite && collision;
      if (peer.ignoreOffer) { return; }
      await pc.setRemoteDescription(description);
      if (description.type === "offer") {
        await pc.setLocalDescription();
        send({ type: "signal", to: from, data: { description: pc.localDescription.toJSON() } });
      }
    } else if ("candidate" in data) {
      try {
        if (data.candidate) { await pc.addIceCandidate(data.candidate); } else { await pc.addIceCandidate(); }
      } catch (err) {
        if (!peer.ignoreOffer) { console.warn("video room: candidate refused", err); }
      }
    }
  }

  function remoteVideo(id) {
    var figure = $("peer-" + id);
    if (!figure) {
      figure = document.createElement("figure");
      figure.id = "peer-" + id;
      var video = document.createElement("video");
      video.autoplay = true;
      video.setAttribute("playsinline", "");
      var name = state.names.get(id) || gettext("Participant");
      video.setAttribute("aria-label", interpolate(gettext("Video of %(name)s"), { name: name }, true));
      var caption = document.createElement("figcaption");
      caption.textContent = name;
      figure.append(video, caption);
      $("remotes").appendChild(figure);
    }
    return figure.querySelector("video");
  }

  function closePeer(id) {
    var peer = state.peers.get(id);
    if (peer) {
      clearTimeout(peer.restartTimer);
      peer.pc.close();
      state.peers.delete(id);
    }
    var figure = $("peer-" + id);
    if (figure) { figure.remove(); }
  }

  // --- Controls ----------------------------------------------------------------------

  function toggle(button, kind) {
    var on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(on));
    state.stream.getTracks().forEach(function (t) { if (t.kind === kind) { t.enabled = on; } });
    say(kind === "video"
      ? (on ? gettext("Camera on.") : gettext("Camera off."))
      : (on ? gettext("Microphone on.") : gettext("Microphone off.")));
  }

  function videoDirection(pc, direction) {
    pc.getTransceivers().forEach(function (t) {
      var kind = (t.sender.track && t.sender.track.kind) || (t.receiver.track && t.receiver.track.kind);
      if (kind === "video" && !t.stopped) { t.direction = direction; }
    });
  }

  function setAudioOnly(on) {
    state.audioOnly = on;
    $("audio-only").setAttribute("aria-pressed", String(on));
    main.classList.toggle("audio-only", on);
    // Renegotiates (perfect negotiation): no picture is sent or received, which saves bandwidth.
    state.peers.forEach(function (peer) {
      videoDirection(peer.pc, on ? "inactive" : (state.stream.getVideoTracks().length ? "sendrecv" : "recvonly"));
    });
  }

  async function join() {
    $("join").disabled = true;
    problem("");
    state.done = false;
    if (!(await connect())) { $("join").disabled = false; }
  }

  function leave() {
    state.done = true;
    finish(gettext("You left the consultation."), true);
  }

  async function start() {
    if (!navigator.mediaDevices || !window.RTCPeerConnection) {
      problem(gettext("This browser cannot take part in video consultations. Please use a current Firefox, Chrome, Edge or Safari."));
      return;
    }
    try {
      await openDevices();
      await listDevices();
    } catch (err) {
      console.warn("video room: devices", err);
    }
    say(gettext("Check your picture and sound, then join."));
    $("join").disabled = false;
  }

  $("camera").addEventListener("change", openDevices);
  $("microphone").addEventListener("change", openDevices);
  $("join").addEventListener("click", join);
  $("rejoin").addEventListener("click", function () { show("setup"); join(); });
  $("leave").addEventListener("click", leave);
  $("end").addEventListener("click", function () {
    if (window.confirm(gettext("End the consultation for everyone?"))) { send({ type: "end" }); }
  });
  $("toggle-camera").addEventListener("click", function () { toggle($("toggle-camera"), "video"); });
  $("toggle-microphone").addEventListener("click", function () { toggle($("toggle-microphone"), "audio"); });
  $("audio-only").addEventListener("click", function () { setAudioOnly(!state.audioOnly); });
  // A new network (Wi-Fi to mobile): restart ICE on every connection.
  window.addEventListener("online", function () {
    state.peers.forEach(function (peer) { peer.pc.restartIce(); });
    if (!state.ws && !state.done && state.ticket) { connect(); }
  });
  if (navigator.mediaDevices) { navigator.mediaDevices.addEventListener("devicechange", listDevices); }
  start();
})();
