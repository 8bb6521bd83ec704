"""FHIR bulk data (NDJSON): one file per resource type, one resource per line.

Export writes `<ResourceType>.ndjson` files as a FHIR bulk export does; import reads every
`*.ndjson` file of a folder. A line that is not UTF-8, not JSON or not a usable resource is
rejected with its file and line number, and the import goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bascule.errors import NotFoundError, UserError
from bascule.sources.intake import Intake


def write_ndjson(resources: Mapping[str, Iterable[Mapping[str, Any]]], folder: Path) -> dict[str, Path]:
    """Write each resource type to `folder/<Type>.ndjson`; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for kind, items in resources.items():
        path = folder / f"{kind}.ndjson"
        with path.open("w", encoding="utf-8") as out:
            for resource in items:
                out.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
        written[kind] = path
    return written


def ndjson_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise NotFoundError(f"The folder {folder} does not exist; give the folder of the NDJSON export.")
    files = sorted(folder.glob("*.ndjson"))
    if not files:
        raise UserError(f"The folder {folder} holds no .ndjson file; give the folder of a FHIR bulk export.")
    return files


def read_ndjson(path: Path, intake: Intake) -> None:
    """Stage every line of one NDJSON file into `intake`."""
    kind = path.stem.split(".")[0]
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                resource = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                intake.reject(kind, None, f"line {number} of {path.name} is not UTF-8")
                continue
            except json.JSONDecodeError:
                intake.reject(kind, None, f"line {number} of {path.name} is not JSON")
                continue
            intake.take(resource)
