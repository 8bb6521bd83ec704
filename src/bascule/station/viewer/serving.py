"""Running a waitress server until told to stop, and stopping it cleanly.

waitress's own `run()` is stopped by an exception raised from a signal handler. Raised while the
loop is inside a channel's handler (closing a finished connection, say), waitress takes it for that
channel's error, closes the channel and goes on serving: SIGTERM was lost and the viewer never
stopped (seen under load, in CI and by hammering a viewer with requests). Here the signal handler
only sets an event, and the loop looks at it between turns of at most a second."""

from __future__ import annotations

import threading
from typing import Any

TURN_SECONDS = 1.0


def run_until(server: Any, stop: threading.Event) -> None:
    """Serve with `server` (from waitress.create_server) until `stop` is set; at most a turn later."""
    while not stop.is_set():
        server.asyncore.loop(
            timeout=TURN_SECONDS, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1
        )


def close(server: Any, timeout: float) -> None:
    """After run_until returned: the worker threads first (a task may still be finishing its answer,
    and pulls the trigger when done: closed under it, waitress printed a traceback), then every
    socket, from the thread that ran the loop or once it has ended."""
    from waitress.wasyncore import close_all

    server.task_dispatcher.shutdown(timeout=timeout)
    close_all(server._map, ignore_all=True)
