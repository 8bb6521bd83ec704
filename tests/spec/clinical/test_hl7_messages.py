"""How HL7 v2 fields are read: timestamps, escapes, declared separators, acknowledgements."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bascule.clinical import Allergy, Patient, Stay
from bascule.clinical.settings import HospitalSettings
from bascule.sources.hl7_messages import Refused, acknowledgement, interpret, parse_time
from bascule.sources.hl7_segments import Encoding

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20260310081500+0100", datetime(2026, 3, 10, 7, 15, tzinfo=UTC)),
        ("20260310081500-0500", datetime(2026, 3, 10, 13, 15, tzinfo=UTC)),
        ("20260310081500", datetime(2026, 3, 10, 7, 15, tzinfo=UTC)),  # Paris wall clock, winter
        ("20260710081500", datetime(2026, 7, 10, 6, 15, tzinfo=UTC)),  # Paris wall clock, summer
        ("202603100815", datetime(2026, 3, 10, 7, 15, tzinfo=UTC)),
        ("20260310", datetime(2026, 3, 9, 23, 0, tzinfo=UTC)),
        ("20260310081500.1234+0000", datetime(2026, 3, 10, 8, 15, 0, 123400, tzinfo=UTC)),
        ("20260310081500.5", datetime(2026, 3, 10, 7, 15, 0, 500000, tzinfo=UTC)),
        ("2026031008+0530", datetime(2026, 3, 10, 2, 30, tzinfo=UTC)),
        ("20260310+0000", datetime(2026, 3, 10, tzinfo=UTC)),
        ("20261025023000", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # the repeated hour: first one
    ],
)
def test_timestamps(text: str, expected: datetime) -> None:
    assert parse_time(text, PARIS, "MSH-7") == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026031",
        "20261310",
        "2026-03-10",
        "20260310251500",
        "abc",
        "202603",
        "202603100815.5",
        "20260310+2500",
    ],
)
def test_bad_timestamps(text: str) -> None:
    with pytest.raises(Refused, match="MSH-7"):
        parse_time(text, PARIS, "MSH-7")


class EmptyStore:
    def patient_by_mrn(self, mrn: str) -> Patient | None:
        return None

    def current_stay(self, patient_id: str) -> Stay | None:
        return None

    def get(self, record_class: type[Stay], record_id: str) -> Stay | None:
        return None

    def allergies_of(self, patient_id: str) -> list[Allergy]:
        return []

    def pseudonym(self, value: str) -> str:
        return f"k{len(value)}"


def test_declared_separators_and_escapes_are_honoured() -> None:
    raw = (
        b"MSH#$~\\&#PAS#H#B#H#20260310081500##ADT$A08#C1#P#2.5\r"
        b"PID#1##77$$$H$MR##Dupont\\S\\Durand$Sean##19800101#M"
    )
    (patient,) = interpret(raw, EmptyStore(), HospitalSettings(timezone="Europe/Paris")).records
    assert isinstance(patient, Patient)
    assert (patient.mrn, patient.given, patient.sex) == ("77", "Sean", "male")
    assert patient.family == "Dupont$Durand"  # \S\ is the declared component separator


def test_acknowledgements_echo_the_control_id_and_escape_the_reason() -> None:
    raw = b"MSH|^~\\&|LAB|H|BASCULE|H|20260310081500||ORU^R01|C9|P|2.5"
    ack = acknowledgement(raw, "AE", "store|down^now").decode()
    segments = ack.strip("\r").split("\r")
    assert segments[0].split("|")[2:6] == ["BASCULE", "H", "LAB", "H"]
    assert segments[0].split("|")[8] == "ACK^R01^ACK"
    # The reason is escaped with the message's own escape sequences (HL7 v2.5 section 2.7).
    assert segments[1].split("|") == ["MSA", "AE", "C9", "store\\F\\down\\S\\now"]
    assert segments[2].split("|")[3:5] == ["207^^HL70357", "E"]
    assert segments[2].split("|")[8] == "store\\F\\down\\S\\now"


ENCODING = Encoding()


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("Dupont\\F\\Durand", "Dupont|Durand"),
        ("A\\S\\B\\T\\C\\R\\D\\E\\E", "A^B&C~D\\E"),
        ("O\\X27\\Brien", "O'Brien"),
        ("\\H\\URGENT\\N\\ now", "URGENT now"),
        ("line 1\\.br\\line 2", "line 1\nline 2"),
        ("local\\Zcode\\ text", "local text"),  # an application-defined sequence carries no text
        ("trailing \\", "trailing \\"),  # an unpaired escape character is kept
    ],
)
def test_escape_sequences(sent: str, read: str) -> None:
    assert ENCODING.unescape(sent) == read


def test_hex_escapes_are_bytes_of_the_declared_character_set() -> None:
    assert Encoding(charset="iso8859-1").unescape("Ren\\XE9\\e") == "Renée"
    assert Encoding(charset="utf-8").unescape("Ren\\XC3A9\\e") == "Renée"


def test_an_unknown_escape_never_puts_the_value_in_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    raw = b"MSH|^~\\&|PAS|H|B|H|20260310081500||ADT^A08|C1|P|2.5\rPID|1||77^^^H^MR||Mart\\Zq\\in^Zo\\\\e"
    with caplog.at_level(logging.DEBUG):
        (patient,) = interpret(raw, EmptyStore(), HospitalSettings()).records
    assert isinstance(patient, Patient) and patient.family == "Martin"
    assert "Mart" not in caplog.text and "Zo" not in caplog.text


# PID-3 (and PID-2) identifiers -> (MRN, national number); mrn_systems of the map first.
IDENTIFIERS = [
    ("|A1^^^H^AN~M1^^^H^MR", (), ("M1", None)),
    ("|P1^^^H^PI~M1^^^H^MR", (), ("M1", None)),
    ("|P1^^^H^PI~M1^^^LAB^MR", ("H",), ("P1", None)),
    ("|P1^^^H&1.2.3&ISO^PI~M1^^^LAB^MR", ("urn:oid:1.2.3",), ("P1", None)),
    ("|9434765919^^^NHS^NH~M1^^^H^MR", (), ("M1", "9434765919")),
    ("E9^^^EPI^PE|M1^^^H^MR", (), ("M1", None)),
    ("M2|A1^^^H^AN", (), ("M2", None)),  # v2.3: PID-2 when PID-3 has no record number
]


@pytest.mark.parametrize(("pid", "systems", "expected"), IDENTIFIERS)
def test_which_identifier_is_the_mrn(
    pid: str, systems: tuple[str, ...], expected: tuple[str, str | None]
) -> None:
    raw = f"MSH|^~\\&|PAS|H|B|H|20260310081500||ADT^A08|C1|P|2.5\rPID|1|{pid}||Nom".encode()
    (patient,) = interpret(raw, EmptyStore(), HospitalSettings(mrn_systems=systems)).records
    assert isinstance(patient, Patient)
    assert (patient.mrn, patient.national_number) == expected


def test_an_abo_group_and_an_rh_type_sent_apart_are_kept_as_the_census_joins_them() -> None:
    raw = (
        b"MSH|^~\\&|LAB|H|BASCULE|H|20260310081500||ORU^R01|L9|P|2.5.1\r"
        b"PID|1||480012^^^H^MR||Durand^Paul\r"
        b"OBR|1||ORD9|883-9^ABO group^LN\r"
        b"OBX|1|CWE|883-9^ABO group^LN||A^Blood group A^L||||||F\r"
        b"OBX|2|CWE|10331-7^Rh type^LN||POS^Positive^L||||||F\r"
    )
    _patient, abo, rh = interpret(raw, EmptyStore(), HospitalSettings()).records
    assert (abo.value_text, rh.value_text) == ("A", "+")  # type: ignore[union-attr]


def test_every_pid5_name_every_phone_and_the_postcode_are_kept_for_matching() -> None:
    raw = (
        b"MSH|^~\\&|PAS|H|B|H|20260310081500||ADT^A08|C1|P|2.5\r"
        b"PID|1||77^^^H^MR||MARTIN^Claire^^^^^L~DUPONT^Claire^^^^^M||19800101|F|||"
        b"1 rue des Lilas^^Corbeil^^91100^FRA||0160000001^PRN^PH~^NET^Internet^c@example.org|0612345678"
    )
    (patient,) = interpret(raw, EmptyStore(), HospitalSettings(timezone="Europe/Paris")).records
    assert isinstance(patient, Patient)
    assert patient.family == "MARTIN"
    assert [(n.use, n.family, n.given) for n in patient.names] == [
        ("official", "MARTIN", "Claire"),
        ("maiden", "DUPONT", "Claire"),
    ]
    assert patient.phones == ("0160000001", "0612345678")
    assert patient.postcode == "91100"
