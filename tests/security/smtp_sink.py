"""A real SMTP server for the worker fault test (aiosmtpd), run as its own process.

``python -m tests.security.smtp_sink --port P --log FILE [--hold-at N --hold-mode M]``

Every message the sink *accepts* is appended to ``--log`` as one JSON line
(Message-ID, recipients, subject), before the ``250`` goes back, like a real
MTA that has the message on disk when it says so. ``--delay`` slows each DATA.

``--hold-at N`` stops at the N-th DATA and writes ``<log>.holding`` (the
message as JSON), then waits for ``<log>.release`` to exist:

- ``before-accept``: the message is held before it is accepted. After the
  release it is refused (``451``) and never logged: a client that died while
  waiting did not get it through.
- ``after-accept``: the message is logged (accepted) and then held before the
  ``250`` reaches the client: a client that dies now never learns that the
  server has it, the one window SMTP leaves open.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import json
from email import policy
from pathlib import Path

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, *, log: Path, delay: float, hold_at: int, hold_mode: str):
        self.log = log
        self.delay = delay
        self.hold_at = hold_at
        self.hold_mode = hold_mode
        self.count = 0

    def _record(self, record: dict) -> None:
        with self.log.open("a") as out:
            out.write(json.dumps(record) + "\n")

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        record = {
            "n": self.count,
            "message_id": str(message["Message-ID"]).strip(),
            "to": list(envelope.rcpt_tos),
            "subject": str(message["Subject"]),
        }
        await asyncio.sleep(self.delay)
        if self.count != self.hold_at:
            self._record(record)
            return "250 2.0.0 OK"
        if self.hold_mode == "after-accept":
            self._record(record)
        holding = self.log.with_name(self.log.name + ".holding")
        holding.write_text(json.dumps(record))
        release = self.log.with_name(self.log.name + ".release")
        while not release.exists():
            await asyncio.sleep(0.05)
        if self.hold_mode == "after-accept":
            return "250 2.0.0 OK"
        return "451 4.3.0 Not accepted, try again"


async def serve(args) -> None:
    sink = Sink(log=Path(args.log), delay=args.delay, hold_at=args.hold_at, hold_mode=args.hold_mode)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="sink.test"), "127.0.0.1", args.port)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--hold-at", type=int, default=0)
    parser.add_argument("--hold-mode", choices=["before-accept", "after-accept"], default="before-accept")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
