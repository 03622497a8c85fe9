"""The load tools of the suite, against small real servers."""

from __future__ import annotations

import asyncio
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import Client, Request, fire_together, wrk


class StatusByPath(BaseHTTPRequestHandler):
    """Answers ``/status/<code>`` with that code; counts what it answered."""

    protocol_version = "HTTP/1.1"
    seen: dict[str, int] = {}
    lock = threading.Lock()

    def do_GET(self):
        self.answer()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        self.answer()

    def answer(self):
        code = int(self.path.rsplit("/", 1)[1])
        with self.lock:
            key = f"{self.command} {self.path} {self.headers.get('X-Session-Token', '-')}"
            self.seen[key] = self.seen.get(key, 0) + 1
        body = b"{}"
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def status_server():
    StatusByPath.seen = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), StatusByPath)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_it_refuses_a_wrk_request_line_with_a_tab():
    with pytest.raises(ValueError, match="tabs or newlines"):
        Request("GET", "/a\tb").line()
    assert Request.json("POST", "/x/", {"a": 1}, {"X-Session-Token": "t"}).line() == (
        'POST\t/x/\t{"a":1}\tContent-Type: application/json\tX-Session-Token: t'
    )


def test_it_sends_wrk_requests_with_their_headers_and_counts_statuses(status_server):
    if not shutil.which("wrk"):
        pytest.skip("needs wrk (apt-get install wrk)")
    requests = [
        Request("GET", "/status/200", headers={"X-Session-Token": "alice"}),
        Request.json("POST", "/status/409", {"slot": 1}, {"X-Session-Token": "bob"}),
    ]
    result = wrk(status_server, requests=requests, connections=2, seconds=1, tally=True)
    assert result.count(200) > 0 and result.count(409) > 0
    assert result.count(200) + result.count(409) == sum(result.statuses.values())
    assert set(StatusByPath.seen) == {"GET /status/200 alice", "POST /status/409 bob"}
    assert result.errors["status"] == result.count(409)  # wrk counts non-2xx answers as errors


def test_it_fires_a_burst_together_and_keeps_each_answer(status_server):
    calls = [lambda c: c.request("POST", "/status/201", body=b"{}")] + [
        lambda c: c.request("POST", "/status/409", body=b"{}") for _ in range(15)
    ]
    answers = fire_together(calls, base_url=status_server, headers=[{"X-Session-Token": f"c{i}"} for i in range(16)])
    assert [a.status for a in answers] == [201] + [409] * 15
    assert len(StatusByPath.seen) == 16


def test_it_keeps_a_client_connection_alive(status_server):
    client = Client(status_server)
    assert client.request("GET", "/status/200").status == 200
    first = client.conn
    assert client.request("GET", "/status/200").json() == {}
    assert client.conn is first
    client.close()


def test_it_relays_ping_pong_between_the_two_clients_of_a_room():
    from websockets.asyncio.server import serve

    from bench.relay_server import relay
    from bench.rows.raw_relay import relay_round_trips

    async def run():
        async with serve(relay, "127.0.0.1", 0, compression=None) as server:
            port = server.sockets[0].getsockname()[1]
            return await relay_round_trips(f"ws://127.0.0.1:{port}", rounds=20, warmup=2)

    times = asyncio.run(run())
    assert len(times) == 20
    assert all(t > 0 for t in times)
