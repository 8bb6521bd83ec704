"""`bascule station serve`: the viewer on 127.0.0.1, alone. It needs no network, no directory
service and nothing from the internet: accounts are the station's own, fonts and the one script
are served by itself. The bundle is opened into memory (/dev/shm) when the machine has it, else a
0700 temp folder, and wiped when the server stops (SIGTERM or Ctrl-C); a killed server's copy is
swept at the next start."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from bascule.errors import UserError
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang
from bascule.scratch import memory_folder
from bascule.station.access_log import AccessLog
from bascule.station.accounts import StationAccounts
from bascule.station.recording import StationRecording
from bascule.station.state import Layout, load_state
from bascule.station.viewer import serving
from bascule.station.viewer.library import Library, Status
from bascule.station.viewer.web import StationApp

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
DEFAULT_IDLE = timedelta(minutes=10)
DEFAULT_EVERY = timedelta(seconds=30)


def serve(
    root: Path,
    hospital_map: HospitalMap,
    *,
    port: int = DEFAULT_PORT,
    max_age: timedelta,
    idle: timedelta = DEFAULT_IDLE,
    every: timedelta = DEFAULT_EVERY,
    lang: Lang = "fr",
    on_ready: Callable[[int, Status], None] | None = None,
) -> None:
    import waitress

    layout = Layout(root)
    load_state(layout)  # a folder that is not a station: one sentence, exit 2
    accounts = StationAccounts(layout)
    if not accounts.listing():
        raise UserError(
            f"The station {root} has no account yet: add one with bascule station users add {root} NAME --role nurse.",
            fr=f"Le poste {root} n'a encore aucun compte : créez-en un avec bascule station users add {root} NOM --role nurse.",
        )
    library = Library(root, max_age, memory=memory_folder())
    try:
        status = library.refresh()
        library.watch(every)
        poll = min(every, timedelta(seconds=15))  # the page hears of a newer bundle soon after the station
        app = StationApp(
            library,
            accounts,
            AccessLog(layout),
            hospital_map,
            lang=lang,
            idle=idle,
            poll=poll,
            recording=StationRecording(layout),
        )
        try:
            server = waitress.create_server(
                app, host="127.0.0.1", port=port, threads=8, ident="bascule-station", channel_timeout=60
            )
        except OSError as error:
            raise UserError(
                f"Cannot listen on 127.0.0.1:{port}: {error.strerror}.",
                fr=f"Impossible d'écouter sur 127.0.0.1:{port} : {error.strerror}.",
            ) from None
        stop = threading.Event()

        def sweep() -> None:  # idle sessions end (and are logged) even when no one clicks
            while not stop.wait(5):
                app.sessions.expire(datetime.now(UTC))

        threading.Thread(target=sweep, name="station-sessions", daemon=True).start()

        def interrupted(signum: int, frame: FrameType | None) -> None:
            stop.set()  # only that: an exception raised here could land in any of waitress's handlers

        previous = {sig: signal.signal(sig, interrupted) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            if on_ready is not None:
                on_ready(int(server.effective_port), status)
            serving.run_until(server, stop)
        finally:
            stop.set()
            serving.close(server, timeout=5)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        library.close()  # the opened copy is wiped
