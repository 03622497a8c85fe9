"""A bound on each PostgreSQL round trip, kept by the client.

``statement_timeout`` (``DB_STATEMENT_TIMEOUT``) lets a live server cancel a slow
statement, and ``connect_timeout`` bounds opening a connection. Neither helps
when the server hangs (a stopped process, a frozen VM, a full disk it cannot
write to): the kernel still accepts the bytes, nobody answers, and the request's
thread waits for ever; with every thread waiting, the worker serves nothing.
``BoundedConnection`` gives up on a round trip after ``DB_QUERY_DEADLINE``
seconds, closes that connection (its state is unknown) and raises
``OperationalError``, which the portal answers as 503 (``service_unavailable``).
The pool uses the class for its own connections (its health check is bounded
too); connections made without the pool get it on creation.
"""

from __future__ import annotations

import functools
import logging

import psycopg
from psycopg import errors

logger = logging.getLogger(__name__)


class BoundedConnection(psycopg.Connection):
    """``psycopg.Connection`` whose every wait for the server ends after ``deadline`` seconds."""

    deadline: float | None = None

    def wait(self, gen, interval: float = 0.1, timeout: float | None = None):
        bound = self.deadline if timeout is None else min(timeout, self.deadline or timeout)
        try:
            return super().wait(gen, interval=interval, timeout=bound)
        except errors._WaitTimeout:
            if timeout is not None and timeout <= (self.deadline or timeout):
                raise  # the caller's own, shorter timeout: its business
            logger.error("PostgreSQL did not answer within %s s: connection closed", self.deadline)
            self.pgconn.finish()  # half a conversation: never use this connection again
            raise psycopg.OperationalError(f"PostgreSQL did not answer within {self.deadline} s") from None


@functools.cache  # one class per deadline, not one per connection
def bounded_connection_class(deadline: float) -> type[psycopg.Connection]:
    """The connection class for ``deadline`` seconds (0: psycopg's own, unbounded)."""
    if not deadline:
        return psycopg.Connection
    return type("BoundedConnection", (BoundedConnection,), {"deadline": float(deadline)})


def bound_new_connection(sender, connection, **kwargs) -> None:
    """``connection_created``: a connection made without the pool gets the deadline too."""
    from django.conf import settings

    deadline = getattr(settings, "DB_QUERY_DEADLINE", 0)
    raw = connection.connection
    if deadline and connection.vendor == "postgresql" and not isinstance(raw, BoundedConnection):
        raw.__class__ = bounded_connection_class(deadline)
