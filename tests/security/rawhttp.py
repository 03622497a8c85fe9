"""A raw-socket HTTP/1.1 client for what ordinary clients will not send:
chunked bodies without a length, bodies that go on while the server answers,
lengths that lie. Used by test_body_limits.py and the structural fuzz layer."""

from __future__ import annotations

import json
import select
import socket
import time
from dataclasses import dataclass, field

PIECE = 64 * 1024


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self):
        return json.loads(self.body)


@dataclass
class StreamResult:
    sent: int  # body bytes the socket accepted
    finished: bool  # the whole body went out (and its final chunk)
    response: RawResponse | None
    answered_after: int | None = None  # body bytes sent when the response was first seen


def connect(port: int, timeout: float = 10) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode("latin-1")


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def read_response(sock: socket.socket, timeout: float = 10) -> RawResponse | None:
    """One response, or None when the server closed without answering."""
    deadline = time.monotonic() + timeout
    data = b""
    while b"\r\n\r\n" not in data:
        part = _recv(sock, deadline)
        if not part:
            return None
        data += part
    header_block, rest = data.split(b"\r\n\r\n", 1)
    lines = header_block.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(rest) < length:
            part = _recv(sock, deadline)
            if not part:
                break
            rest += part
        return RawResponse(status, headers, rest[:length])
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                part = _recv(sock, deadline)
                if not part:
                    return RawResponse(status, headers, body)
                rest += part
            size_line, rest = rest.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0] or b"0", 16)
            while len(rest) < size + 2:
                part = _recv(sock, deadline)
                if not part:
                    return RawResponse(status, headers, body + rest)
                rest += part
            if size == 0:
                return RawResponse(status, headers, body)
            body += rest[:size]
            rest = rest[size + 2 :]
    while part := _recv(sock, deadline):  # until the server closes
        rest += part
    return RawResponse(status, headers, rest)


def _recv(sock: socket.socket, deadline: float) -> bytes:
    sock.settimeout(max(0.05, deadline - time.monotonic()))
    try:
        return sock.recv(PIECE)
    except (ConnectionResetError, TimeoutError):
        return b""


def _readable(sock: socket.socket) -> bool:
    return bool(select.select([sock], [], [], 0)[0])


def stream(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    total: int,
    chunked: bool = True,
    filler: bytes = b"x",
    prefix: bytes = b"",
    pause_after: int | None = None,
    on_pause=None,
    timeout: float = 20,
) -> StreamResult:
    """Send ``prefix`` and then filler up to ``total`` body bytes, chunked or with a
    ``Content-Length``, in pieces; stop as soon as the server answers."""
    headers = dict(headers or {})
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
    else:
        headers["Content-Length"] = str(total)
    sock = connect(port, timeout)
    sent = 0
    answered_after = None
    try:
        sock.sendall(head(method, path, headers))
        time.sleep(0.05)  # let an answer to the headers alone arrive first
        body = prefix
        while sent < total:
            if answered_after is None and _readable(sock):
                answered_after = sent
                break
            if pause_after is not None and sent >= pause_after and on_pause is not None:
                on_pause()
                on_pause = None
            if not body:
                body = filler * (PIECE // len(filler))
            piece, body = body[: min(PIECE, total - sent)], body[min(PIECE, total - sent) :]
            try:
                sock.sendall(chunk(piece) if chunked else piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        finished = sent >= total
        if finished and answered_after is None:
            try:
                if chunked:
                    sock.sendall(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                finished = False
        response = read_response(sock, timeout)
        if answered_after is None and response is not None and not finished:
            answered_after = sent
        return StreamResult(sent=sent, finished=finished, response=response, answered_after=answered_after)
    finally:
        sock.close()


def send(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    chunked: bool = False,
    timeout: float = 20,
) -> RawResponse | None:
    """One whole request. The body goes out in pieces, and sending stops when the
    server answers early (413, 401): writing on would only get the answer reset."""
    headers = dict(headers or {})
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
        payload = b"".join(chunk(body[i : i + PIECE]) for i in range(0, len(body), PIECE)) + b"0\r\n\r\n"
    else:
        headers.setdefault("Content-Length", str(len(body)))
        payload = body
    sock = connect(port, timeout)
    try:
        try:
            sock.sendall(head(method, path, headers))
            for start in range(0, len(payload), PIECE):
                if _readable(sock):
                    break
                sock.sendall(payload[start : start + PIECE])
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_response(sock, timeout)
    finally:
        sock.close()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]], boundary: str = "portalboundary42"):
    """``(body, content_type)`` of a multipart/form-data request."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
