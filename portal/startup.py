"""What every long-running process of the portal does once the application is loaded.

``freeze_heap()`` moves every object alive after start-up (modules, classes,
templates, URL patterns, settings, the ORM's model metadata: hundreds of
thousands of objects) into the garbage collector's permanent generation. They
are never freed anyway, but a full (generation-2) collection walks them all:
profiles of the slot list under daphne showed 9 full collections per 300
requests of 107-175 ms each, which was the whole of its p99 (issue #18).
After the freeze a full collection walks only what requests made.

Called at the end of ``portal.asgi`` (every ASGI server process: daphne,
uvicorn and granian workers import it) and by the task worker
(``manage.py db_worker``) before it takes its first task. Objects made later
are collected as usual; nothing is leaked: a frozen object that becomes
unreachable is freed by reference counting like any other, only cycles among
frozen objects wait (there are none to speak of in modules and classes).
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_heap() -> None:
    """Collect once, then freeze what survived (once per process; later calls do nothing)."""
    global _frozen
    if _frozen:
        return
    gc.collect()
    gc.freeze()
    _frozen = True
