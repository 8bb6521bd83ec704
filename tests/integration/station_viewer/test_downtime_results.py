"""Issue 19: results the laboratory gives while its system is down reach the ward's station with
the next bundle: released ones under the patient's chart (a phoned critical value once a second
person confirmed it), the unconfirmed ones counted with the instruction to call the laboratory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.integration.station_viewer.conftest import Client, StationWorld
from tests.lab_store import resulted as lab_result

from bascule.laboratory.samples import log


def test_the_wards_station_shows_the_laboratorys_downtime_results(
    station_world: StationWorld, tmp_path: Path
) -> None:
    world = station_world.own_copy(tmp_path)
    store = world.cell / "store.sqlite"
    mrn = world.inpatient.mrn
    assert mrn is not None
    at = world.data_time - timedelta(hours=2)

    def resulted(test: str, value: str, unit: str, flag: str, phoned: bool = False) -> str:
        return lab_result(store, mrn, test, value, unit, flag, at=at, phoned=phoned)

    potassium = resulted("test-kalium", "4.1", "mmol/L", "normal")
    troponin = resulted("test-troponin", "2.5", "µg/L", "critical", phoned=True)
    haemoglobin = resulted("test-hb", "5.9", "g/dL", "critical")  # never confirmed
    log.confirm_result(store, troponin, by="bio2", at=at + timedelta(minutes=55))

    archive = world.seal_again(store)
    world.deliver(archive)
    client = Client(world.app())
    client.login("nadia")
    page = client.get(f"/patients/{world.inpatient.id}").text

    assert "Résultats rendus sans le système du laboratoire" in page
    assert f'data-sample="{potassium}"' in page and "4.1 mmol/L" in page
    assert (
        f'data-sample="{troponin}"' in page and "confirmé par bio2" in page and "par téléphone, relu" in page
    )
    assert (
        f'data-sample="{haemoglobin}"' not in page and "5.9" not in page
    )  # critical, unconfirmed: not shown
    assert 'data-awaiting="1"' in page and "appelez le laboratoire" in page
