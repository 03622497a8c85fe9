"""daphne hands request bodies to the application as they arrive.

daphne (4.x) is built on Twisted's ``http.Request``, which collects the whole
body before ``process()`` runs: into memory below 100 kB of ``Content-Length``,
else into a ``tempfile.TemporaryFile`` (also for every chunked body, whose length
is unknown). Only then does daphne start the ASGI application and feed it the
buffered body. So no ASGI middleware can refuse a body daphne has not read to
the end first: a 300 MiB chunked upload was written to the temporary folder
before Django said 413 or 401.

``StreamingWebRequest`` starts the application as soon as the headers are in
(Twisted's ``gotLength``), passes each piece of the body on as an
``http.request`` message with ``more_body``, and keeps nothing itself. The
limits themselves live in the application (``portal.bodylimit``), as they
would under uvicorn or granian, which stream anyway. When the application
answers before the body has ended (413, 401), the rest of the body is dropped
and the connection closed after the answer. While the application does not
keep up, the socket is not read (TCP back-pressure), so memory stays bounded.

``install()`` (called by ``portal/asgi.py``) puts the class in place of
daphne's ``WebRequest``. Requests without a body and WebSocket upgrades go
through daphne's own code unchanged. tests/security/test_body_limits.py runs it
against a real daphne: a daphne upgrade that changes these internals fails there.
"""

from __future__ import annotations

import io
import logging

logger = logging.getLogger(__name__)

# Body messages queued for the application before the socket stops being read.
QUEUE_HIGH = 16
QUEUE_LOW = 4
_RESUME_POLL = 0.005  # seconds


class _StreamedBody(io.BytesIO):
    """The request's ``content`` while the body streams: always empty. Its
    ``closed`` tells daphne's ``process()`` (which checks it before sending the
    buffered body) that the body is not its to send."""

    @property
    def closed(self) -> bool:  # type: ignore[override]
        return True


def _drop(data: bytes) -> None:
    return None


def _streaming_request_class():
    from daphne.http_protocol import WebRequest
    from twisted.internet import reactor

    class StreamingWebRequest(WebRequest):
        _streaming = False
        _started = False
        _body_done = False
        _paused = False

        def gotLength(self, length):
            if (
                length == 0
                or self.requestHeaders.hasHeader(b"upgrade")
                or not hasattr(self.channel, "_command")  # HTTP/2 streams: daphne's own way
            ):
                return super().gotLength(length)
            self._streaming = True
            self.content = _StreamedBody()
            channel = self.channel
            # What Twisted's requestReceived sets once the body is in; process() needs them now.
            self.method, self.uri, self.clientproto = channel._command, channel._path, channel._version
            self.path = self.uri.split(b"?", 1)[0]
            self.args = {}
            self._started = True
            self.process()  # daphne's: checks the request, builds the scope, starts the application

        def handleContentChunk(self, data):
            if not self._streaming:
                return super().handleContentChunk(data)
            queue = self.application_queue
            if self.finished or self._response_started or queue is None:
                return  # answered already: the rest is dropped
            queue.put_nowait({"type": "http.request", "body": data, "more_body": True})
            if queue.qsize() > QUEUE_HIGH and not self._paused:
                self._paused = True
                self.channel._networkProducer.pauseProducing()
                reactor.callLater(_RESUME_POLL, self._resume_when_drained)

        def _resume_when_drained(self):
            if self.finished or getattr(self, "channel", None) is None:
                return
            queue = self.application_queue
            if queue is not None and queue.qsize() > QUEUE_LOW:
                reactor.callLater(_RESUME_POLL, self._resume_when_drained)
                return
            self._paused = False
            self.channel._networkProducer.resumeProducing()

        def process(self):
            if self._streaming and self._started and self.application_queue is not None:
                if hasattr(self, "request_start") and not self._body_done:
                    # Called again by Twisted's requestReceived: the body has ended.
                    self._body_done = True
                    if not self.finished and not self._response_started:
                        self.application_queue.put_nowait({"type": "http.request", "body": b"", "more_body": False})
                    return None
            return super().process()

        def handle_reply(self, message):
            if (
                self._streaming
                and not self._body_done
                and message.get("type") == "http.response.start"
                and not self.finished
                and getattr(self, "channel", None) is not None
            ):
                # Answered before the body ended: this connection carries no further request.
                self.channel.persistent = False
                self.responseHeaders.setRawHeaders(b"connection", [b"close"])
            return super().handle_reply(message)

        def finish(self):
            channel = getattr(self, "channel", None)
            early = self._streaming and not self._body_done and channel is not None
            if early:
                channel.persistent = False
                if self._paused:
                    self._paused = False
                    channel._networkProducer.resumeProducing()
            result = super().finish()
            if early:
                # The rest of the body must not be parsed as a next request.
                channel.dataReceived = channel.rawDataReceived = channel.lineReceived = _drop
            return result

    return StreamingWebRequest


def install() -> None:
    """Make daphne's HTTP factory build streaming requests (idempotent)."""
    try:
        from daphne import http_protocol
    except ImportError:  # another server: it streams anyway
        return
    if getattr(http_protocol.WebRequest, "_portal_streaming", False):
        return
    streaming = _streaming_request_class()
    streaming._portal_streaming = True
    http_protocol.WebRequest = streaming
