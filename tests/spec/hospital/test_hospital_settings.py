"""The map's reading settings: hospital time zone, country, MRN systems, med times, unit locations."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bascule import load_map
from bascule.clinical.settings import DEFAULT_MED_TIMES, HospitalSettings, settings_of
from bascule.errors import MapError

MAP = """\
bascule: 1
hospital:
  id: h
  name: Test
  timezone: {zone}
  country: FR
  mrn_systems: ["urn:oid:1.2.250.1.71.4.2.1"]
  med_times: {{BID: ["09:00", "21:00"]}}
units:
  - {{id: cardio, name: Cardiologie, beds: 20, locations: [{codes}]}}
  - {{id: urg, name: Urgences}}
"""


def load(tmp_path: Path, zone: str = "Europe/Paris", codes: str = "CARD-3E, loc-42") -> object:
    path = tmp_path / "map.yaml"
    path.write_text(MAP.format(zone=zone, codes=codes), encoding="utf-8")
    return load_map(path)


def test_the_settings_a_map_declares(tmp_path: Path) -> None:
    settings = settings_of(load(tmp_path))  # type: ignore[arg-type]
    assert settings.timezone == "Europe/Paris"
    assert settings.country == "FR"
    assert settings.mrn_systems == ("urn:oid:1.2.250.1.71.4.2.1",)
    assert settings.times_of("bid") == (time(9), time(21))
    assert settings.times_of("TID") == (time(8), time(14), time(20))  # the documented default
    assert settings.unit_locations == {"CARD-3E": "cardio", "loc-42": "cardio", "urg": "urg"}


def test_settings_survive_the_store_meta_round_trip(tmp_path: Path) -> None:
    settings = settings_of(load(tmp_path))  # type: ignore[arg-type]
    assert HospitalSettings.from_meta(settings.to_meta()) == settings
    assert HospitalSettings.from_meta({}) == HospitalSettings()


def test_every_default_med_time_is_a_sorted_list_of_clock_times() -> None:
    for code, times in DEFAULT_MED_TIMES.items():
        assert list(times) == sorted(set(times)), code
        assert HospitalSettings().times_of(code)


@pytest.mark.parametrize(
    ("zone", "codes", "expected"),
    [
        (
            "Europe/Pariss",
            "x",
            "map.yaml:5 hospital.timezone: must be an IANA time zone such as Europe/Paris or "
            "Europe/London, not 'Europe/Pariss'",
        ),
        (
            "Europe/Paris",
            "urg",
            'map.yaml:10 units[0].locations[0]: location "urg" is already covered by unit "cardio"; '
            "a location belongs to one unit",
        ),
    ],
)
def test_bad_settings_are_located(tmp_path: Path, zone: str, codes: str, expected: str) -> None:
    text = MAP.format(zone=zone, codes=codes)
    if codes == "urg":  # the second unit is the one that claims it again
        text = text.replace("{id: urg, name: Urgences}", "{id: urg2, name: Urgences, locations: [urg]}")
        text = text.replace("locations: [urg]}\n  - {id: urg2", "locations: [urg]}\n  - {id: urg2")
        expected = expected.replace("units[0]", "units[1]").replace("map.yaml:10", "map.yaml:11")
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MapError) as caught:
        load_map(path)
    assert [p.replace(str(tmp_path) + "/", "") for p in caught.value.problems] == [expected]


def test_a_med_time_must_be_quoted_clock_text(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAP.format(zone="UTC", codes="x").replace('["09:00", "21:00"]', "[9, 21]"), "utf-8")
    with pytest.raises(MapError) as caught:
        load_map(path)
    (problem,) = caught.value.problems
    assert "hospital.med_times: BID: 9 is not a time HH:MM" in problem


@pytest.mark.parametrize("country", ["BE", "RE", "IM", "LU", "CH"])
def test_every_country_with_a_numbering_plan_is_accepted(tmp_path: Path, country: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAP.format(zone="UTC", codes="x").replace("country: FR", f"country: {country}"), "utf-8")
    assert settings_of(load_map(path)).country == country


@pytest.mark.parametrize("country", ["XX", "fr", "FRA", "UK"])
def test_a_country_without_a_numbering_plan_is_refused(tmp_path: Path, country: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAP.format(zone="UTC", codes="x").replace("country: FR", f"country: {country}"), "utf-8")
    with pytest.raises(MapError) as caught:
        load_map(path)
    (problem,) = caught.value.problems
    assert "hospital.country: must be an ISO 3166 country code such as FR or GB" in problem
