"""The drawing in a real browser (Debian's Chromium): it renders, and every word stays inside its box."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "spec" / "diagram"))
from diagram_maps import hit, sixty_node_hospital

from bascule.diagram import draw_svg
from bascule.hospital.loading import load_map
from bascule.impact import assess
from bascule.scenario import load_scenario

CHROMIUM = shutil.which("chromium")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.peer("Chromium", CHROMIUM is not None, "apt install chromium"),
]

# Measures, for every box, the text that sticks out of its rectangle; writes the findings in the page.
MEASURE = """
<pre id="findings"></pre>
<script>
const findings = [];
for (const node of document.querySelectorAll("g.node")) {
  const box = node.querySelector("rect.node-box").getBBox();
  for (const text of node.querySelectorAll("text")) {
    const b = text.getBBox();
    if (b.x < box.x || b.x + b.width > box.x + box.width + 0.5) {
      findings.push([node.dataset.node, text.textContent, b.x + b.width - (box.x + box.width)]);
    }
  }
}
document.getElementById("findings").textContent = JSON.stringify({boxes: document.querySelectorAll("g.node").length, findings});
</script>
"""


def chromium(*arguments: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def words_sticking_out(svg: str, tmp_path: Path) -> dict[str, object]:
    page = tmp_path / "page.html"
    body = svg.split("?>", 1)[1]
    page.write_text(f"<!doctype html><html><body>{body}{MEASURE}</body></html>", encoding="utf-8")
    dom = chromium("--dump-dom", page.as_uri())
    found: dict[str, object] = json.loads(dom.split('<pre id="findings">', 1)[1].split("</pre>", 1)[0])
    return found


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_word_stays_inside_its_box_in_a_real_browser(tmp_path: Path, lang: str) -> None:
    hospital_map = load_map("demo")
    chosen = load_scenario("ransomware", hospital_map)
    svg = draw_svg(
        hospital_map, assess(hospital_map, chosen.down, chosen.isolate, chosen.suppliers), lang=lang
    )
    result = words_sticking_out(svg, tmp_path)
    assert result["boxes"] == svg.count('class="node ')
    assert result["findings"] == []


def test_chromium_renders_the_statuses_in_their_colours(tmp_path: Path) -> None:
    from PIL import Image

    hospital_map = sixty_node_hospital()
    svg_file = tmp_path / "map.svg"
    svg_file.write_text(draw_svg(hospital_map, hit(hospital_map, down=["vmware"])), encoding="utf-8")
    png = tmp_path / "map.png"
    chromium(f"--screenshot={png}", "--window-size=4200,1300", svg_file.as_uri())
    colours = {colour for _, colour in Image.open(png).convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert (251, 215, 212) in colours  # down: red fill
    assert (226, 243, 229) in colours  # up: green fill
    assert (255, 240, 196) in colours  # degraded: amber fill
