"""The HL7 v2 live feed: an MLLP server that applies each message to the store as it arrives.

Every block gets an answer: ACK (AA) once the store has it, or NAK (AR for a message Bascule cannot
use, AE when the store could not be written) with the reason; doubts noted on an accepted message
come back as ERR segments of severity W. Answers use the sender's own separators. A malformed
message, a broken encoding or a failing handler never stops the listener. Logs carry the message
type, control id, outcome and field names only, never patient values. One event loop applies the
messages: the single writer.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from hl7.mllp import InvalidBlockError, start_hl7_server
from hl7.mllp.streams import HL7StreamReader, HL7StreamWriter

from bascule.clinical.settings import HospitalSettings
from bascule.errors import BasculeError
from bascule.snapshot.store import ContinuityStore, Reject
from bascule.sources.hl7_messages import Refused, acknowledgement, identify, interpret

log = logging.getLogger("bascule.hl7")


class Hl7Listener:
    """Applies HL7 v2 messages to one continuity store."""

    def __init__(
        self, store: ContinuityStore, source: str = "hl7-mllp", settings: HospitalSettings | None = None
    ) -> None:
        if settings is not None:
            store.record_settings(settings)
        self.store = store
        self.source = source
        self.accepted = 0
        self.refused = 0
        self._settings = store.settings
        self._writers: set[HL7StreamWriter] = set()
        self._has_source = bool(store.source)

    def process(self, block: bytes) -> bytes:
        """Apply one MLLP block; return the ACK or NAK to send back."""
        now = datetime.now(UTC)
        try:
            message = interpret(block, self.store, self._settings)
        except Refused as refused:
            self.refused += 1
            log.warning("HL7 message refused (%s): %s", refused.code, refused.reason)
            self._keep_reject(block, refused.reason, now)
            return acknowledgement(block, refused.code, refused.reason, error=refused.error)
        except Exception as error:  # a bug must not stop the feed; the sender gets AE and will resend
            self.refused += 1
            log.error("HL7 message could not be interpreted (%s)", type(error).__name__)
            return acknowledgement(block, "AE", "internal error while reading the message")
        try:
            # A sender whose clock runs ahead must not make old data look fresh.
            self.store.refresh(
                message.records,
                data_time=min(message.sent_at, now),
                refreshed_at=now,
                source=None if self._has_source else self.source,
                removals=message.removals,
            )
        except (sqlite3.Error, BasculeError) as error:
            self.refused += 1
            log.error("HL7 %s %s not stored (%s)", message.kind, message.control_id, type(error).__name__)
            return acknowledgement(block, "AE", "the continuity store could not be written; send again")
        self.accepted += 1
        self._has_source = True
        log.info("HL7 %s %s applied (%d records)", message.kind, message.control_id, len(message.records))
        for warning in message.warnings:
            log.warning("HL7 %s %s: %s", message.kind, message.control_id, warning)
        return acknowledgement(block, "AA", warnings=message.warnings)

    def _keep_reject(self, block: bytes, reason: str, now: datetime) -> None:
        kind, control_id = identify(block)
        try:
            self.store.record_rejects([Reject(f"HL7 {kind}"[:40], control_id, reason)], now)
        except (sqlite3.Error, BasculeError) as error:
            log.error("HL7 reject not recorded (%s)", type(error).__name__)

    async def handle(self, reader: HL7StreamReader, writer: HL7StreamWriter) -> None:
        """Serve one connection until the sender closes it."""
        self._writers.add(writer)
        try:
            while True:
                try:
                    block = await reader.readblock()
                except asyncio.IncompleteReadError:
                    return
                except InvalidBlockError:
                    log.warning("MLLP block without its start character: answered AR")
                    writer.writeblock(acknowledgement(b"", "AR", "the MLLP block does not start with <VT>"))
                    await writer.drain()
                    continue
                except ValueError:
                    log.warning("MLLP block over the size limit: answered AR")
                    writer.writeblock(acknowledgement(b"", "AR", "the message is too large"))
                    await writer.drain()
                    continue
                writer.writeblock(self.process(block))
                await writer.drain()
        except (ConnectionError, OSError) as error:
            log.info("HL7 sender disconnected (%s)", type(error).__name__)
        finally:
            self._writers.discard(writer)
            writer.close()

    async def serve(
        self, host: str, port: int, stop: asyncio.Event, ready: Callable[[int], None] | None = None
    ) -> None:
        """Listen on host:port until `stop` is set; `ready` gets the port actually bound."""
        server = await start_hl7_server(self.handle, host, port, encoding="latin-1", limit=4 * 1024 * 1024)
        bound = server.sockets[0].getsockname()[1]
        log.info("HL7 MLLP listener on %s:%d", host, bound)
        if ready is not None:
            ready(bound)
        try:
            await stop.wait()
        finally:
            server.close()
            for writer in list(self._writers):
                writer.close()
            await server.wait_closed()
