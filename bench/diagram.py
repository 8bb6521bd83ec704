"""Benchmark of the dependency drawing: time to draw, size of the SVG, boxes left after collapsing.

    .venv/bin/python bench/diagram.py [--quick]

Draws the embedded demo hospital (with and without its ransomware scenario) and generated
hospital-like maps of growing size (servers on virtualisation clusters, applications on servers,
care processes on applications, ~5 needs per node, some `any` and `at_least` groups), and writes
bench/results/diagram.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bascule.diagram import draw_svg  # noqa: E402
from bascule.diagram.boxes import build  # noqa: E402
from bascule.hospital.loading import load_map  # noqa: E402
from bascule.hospital.model import (  # noqa: E402
    Application,
    Asset,
    CareProcess,
    Hospital,
    HospitalMap,
    Requirement,
    Segment,
)
from bascule.impact import Impact, assess  # noqa: E402
from bascule.scenario import load_scenario  # noqa: E402


def generated_map(nodes: int, seed: int = 1) -> HospitalMap:
    """A hospital-like map of about `nodes` nodes: 70 % assets, 20 % applications, 10 % processes."""
    rng = random.Random(seed)
    segments = [Segment(id=f"seg{i}") for i in range(max(2, nodes // 60))]
    clusters = max(1, nodes // 150)
    assets: list[Asset] = [
        Asset(id="core", kind="network"),
        Asset(id="san", kind="storage", needs=(Requirement.of("core"),)),
    ]
    hosts_of: dict[int, list[str]] = {}
    for c in range(clusters):
        hosts = [f"esx{c}-{h}" for h in range(8)]
        hosts_of[c] = hosts
        assets += [
            Asset(
                id=h, kind="server", segment=segments[c % len(segments)].id, needs=(Requirement.of("core"),)
            )
            for h in hosts
        ]
        assets.append(
            Asset(
                id=f"cluster{c}",
                kind="service",
                needs=(Requirement(tuple(hosts), 5, grouped=True), Requirement.of("san")),
            )
        )
    assets += [
        Asset(id="dc1", kind="server", needs=(Requirement.of("cluster0"),)),
        Asset(id="dc2", kind="server", needs=(Requirement.of(f"cluster{clusters - 1}"),)),
        Asset(id="ad", kind="service", needs=(Requirement(("dc1", "dc2"), 1, grouped=True),)),
    ]
    servers = []
    for i in range(int(nodes * 0.7) - len(assets)):
        server = f"srv{i}"
        servers.append(server)
        assets.append(
            Asset(
                id=server,
                kind="server",
                segment=rng.choice(segments).id,
                needs=(Requirement.of(f"cluster{rng.randrange(clusters)}"),),
            )
        )
    applications: list[Application] = []
    for i in range(int(nodes * 0.2)):
        picked = rng.sample(servers, min(len(servers), rng.randint(2, 5)))
        needs = [Requirement.of(s) for s in picked[1:]] + [Requirement.of("ad")]
        if rng.random() < 0.3 and len(picked) >= 2:
            needs[0] = Requirement(tuple(picked[:2]), 1, grouped=True)
        earlier = [a.id for a in applications]
        optional = tuple(rng.sample(earlier, 1)) if earlier and rng.random() < 0.3 else ()
        applications.append(Application(id=f"app{i}", needs=tuple(needs), optional=optional))
    processes = []
    app_ids = [a.id for a in applications]
    for i in range(max(1, int(nodes * 0.1))):
        picked = rng.sample(app_ids, min(len(app_ids), rng.randint(2, 5)))
        processes.append(
            CareProcess(
                id=f"care{i}",
                priority=rng.randint(1, 4),
                needs=tuple(Requirement.of(a) for a in picked[:-1]),
                optional=tuple(picked[-1:]),
                fallback=None,
            )
        )
    return HospitalMap(
        hospital=Hospital(id="gen", name=f"Generated {nodes}"),
        segments=tuple(segments),
        assets=tuple(assets),
        applications=tuple(applications),
        processes=tuple(processes),
    )


def measure(name: str, hospital_map: HospitalMap, impact: Impact | None, repeats: int) -> dict[str, object]:
    times = []
    svg = ""
    for _ in range(repeats):
        start = time.perf_counter()
        svg = draw_svg(hospital_map, impact, max_boxes=None)
        times.append(time.perf_counter() - start)
    graph = build(hospital_map, impact)
    view_box = svg.split('viewBox="', 1)[1].split('"', 1)[0].split()
    return {
        "case": name,
        "nodes": len(hospital_map.nodes),
        "boxes": len(graph.boxes),
        "links": len(graph.links),
        "draw_ms_median": round(statistics.median(times) * 1000, 1),
        "draw_ms_max": round(max(times) * 1000, 1),
        "svg_kib": round(len(svg.encode("utf-8")) / 1024, 1),
        "width_px": float(view_box[2]),
        "height_px": float(view_box[3]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller maps and fewer repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick else 5
    demo = load_map("demo")
    ransomware = load_scenario("ransomware", demo)
    results = [
        measure("demo, no scenario", demo, None, repeats),
        measure(
            "demo, ransomware",
            demo,
            assess(demo, ransomware.hits),
            repeats,
        ),
    ]
    for size in (300, 1000) if args.quick else (300, 1000, 3000):
        generated = generated_map(size)
        hit = [f"esx0-{h}" for h in range(4)] + ["dc1"]
        results.append(
            measure(
                f"generated {size}, hosts hit",
                generated,
                assess(generated, down=hit),
                1 if size >= 3000 else repeats,
            )
        )
    out = ROOT / "bench" / "results" / "diagram.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"quick": args.quick, "results": results}, indent=2) + "\n", encoding="utf-8")
    columns = [
        "case",
        "nodes",
        "boxes",
        "links",
        "draw_ms_median",
        "draw_ms_max",
        "svg_kib",
        "width_px",
        "height_px",
    ]
    print(" | ".join(columns))
    for row in results:
        print(" | ".join(str(row[c]) for c in columns))
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
