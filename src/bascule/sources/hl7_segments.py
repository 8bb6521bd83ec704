"""Reading HL7 v2 text: character sets, the separators an MSH declares, fields, escapes and times.

Every failure is a `Refused` whose reason names segments and fields, never their values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal

AckCode = Literal["AA", "AE", "AR"]

# HL7 table 0211 (MSH-18) -> Python codec; an empty MSH-18 means the sender's default, read as UTF-8
# (ASCII is a subset of it).
_CHARSETS = {
    "": "utf-8",
    "ASCII": "ascii",
    "UNICODE UTF-8": "utf-8",
    "UTF-8": "utf-8",
    "UNICODE": "utf-8",
    "ISO IR6": "ascii",
    "ISO IR100": "iso8859-1",
    "ISO_IR 100": "iso8859-1",
    "ISO-8859-1": "iso8859-1",
    "8859/15": "iso8859-15",
    **{f"8859/{n}": f"iso8859-{n}" for n in range(1, 10)},
}
# Escape sequences (v2.5 section 2.7) that only format text: a line break, or nothing.
_FORMATTING = {"H": "", "N": "", ".br": "\n", ".sp": "\n", ".ce": "\n", ".fi": "", ".nf": ""}
_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?")


class Refused(Exception):
    """The message cannot be applied; `code` is AR (bad message) or AE (cannot be processed), and
    `error` the HL7 table 0357 condition sent back in ERR-3."""

    def __init__(self, code: AckCode, reason: str, error: str = "") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.error = error or ("207" if code == "AE" else "102")


@dataclass(frozen=True, slots=True)
class Encoding:
    """The separators, escape character and character set an MSH declares."""

    field: str = "|"
    component: str = "^"
    repetition: str = "~"
    escape: str = "\\"
    subcomponent: str = "&"
    charset: str = "utf-8"

    @property
    def encoding_characters(self) -> str:
        return f"{self.component}{self.repetition}{self.escape}{self.subcomponent}"

    def unescape(self, text: str) -> str:
        r"""A value with its escape sequences replaced: \F\ \S\ \T\ \R\ \E\, \Xhh..\ bytes in the
        message's character set, formatting (\.br\ is a line break). python-hl7's own `unescape`
        logs the whole field (a patient value) on a sequence it does not know: not used here."""
        if self.escape not in text:
            return text
        delimiters = {
            "F": self.field,
            "S": self.component,
            "T": self.subcomponent,
            "R": self.repetition,
            "E": self.escape,
        }
        parts = text.split(self.escape)
        out = [parts[0]]
        # Between two escape characters is a sequence; an unpaired escape character is kept as is.
        for index in range(1, len(parts), 2):
            if index + 1 >= len(parts):
                out.append(self.escape + parts[index])
                break
            sequence, after = parts[index], parts[index + 1]
            out.append(self._sequence(sequence, delimiters))
            out.append(after)
        return "".join(out)

    def _sequence(self, sequence: str, delimiters: dict[str, str]) -> str:
        if sequence in delimiters:
            return delimiters[sequence]
        if sequence in _FORMATTING:
            return _FORMATTING[sequence]
        if sequence[:3] in (".in", ".ti", ".sk"):
            return " "
        if sequence[:1] == "X" and len(sequence) % 2 == 1:
            try:
                return bytes.fromhex(sequence[1:]).decode(self.charset, "replace")
            except ValueError:
                return ""
        # Character-set switches (\C..\ \M..\) and locally defined \Z..\ sequences carry no text.
        return ""


class Segment:
    """One segment's fields, split with the separators the MSH declared."""

    def __init__(self, encoding: Encoding, line: str) -> None:
        self.encoding = encoding
        self._fields = line.split(encoding.field)
        if self._fields[0] == "MSH":
            self._fields.insert(1, encoding.field)  # MSH-1 is the field separator itself

    @property
    def name(self) -> str:
        return self._fields[0].strip()

    def field(self, number: int) -> str:
        """The field as sent (escapes, components and repetitions left in)."""
        return self._fields[number] if number < len(self._fields) else ""

    def is_null(self, number: int) -> bool:
        """`""`: the sender deletes the value (an empty field only means "no change")."""
        return self.field(number) == '""'

    def repetitions(self, number: int) -> list[str]:
        """The non-empty repetitions of a field, as sent."""
        return [part for part in self.field(number).split(self.encoding.repetition) if part]

    def component(
        self, number: int, component: int = 1, repetition: str | None = None, subcomponent: int = 1
    ) -> str:
        """One (sub)component, unescaped and stripped; `""` reads as empty."""
        text = self.field(number).split(self.encoding.repetition)[0] if repetition is None else repetition
        parts = text.split(self.encoding.component)
        value = parts[component - 1] if component <= len(parts) else ""
        pieces = value.split(self.encoding.subcomponent)
        value = pieces[subcomponent - 1] if subcomponent <= len(pieces) else ""
        return "" if value == '""' else self.encoding.unescape(value).strip()

    def whole(self, repetition: str) -> str:
        """A repetition read as one text (a TX or FT line whose sender left a component separator in)."""
        return "" if repetition == '""' else self.encoding.unescape(repetition).strip()


def read_encoding(raw: bytes) -> Encoding:
    """The separators and character set of a message, from its MSH segment."""
    header = re.split(rb"[\r\n]", raw.lstrip(b"\x0b\r\n \t"), maxsplit=1)[0].decode("latin-1")
    if not header.startswith("MSH") or len(header) < 8:
        raise Refused("AR", "the message does not start with a readable MSH segment", "100")
    field_sep, characters = header[3], header[4:8]
    if (
        field_sep.isalnum()
        or field_sep.isspace()
        or len(set(field_sep + characters)) != 5
        or any(c.isalnum() or c.isspace() for c in characters)
    ):
        raise Refused("AR", "MSH-1 and MSH-2 do not declare five distinct separators", "102")
    fields = header.split(field_sep)
    declared = fields[17].split(characters[1])[0].strip().upper() if len(fields) > 17 else ""
    charset = _CHARSETS.get(declared)
    if charset is None:
        raise Refused("AR", "MSH-18 declares a character set Bascule cannot read", "103")
    return Encoding(
        field=field_sep,
        component=characters[0],
        repetition=characters[1],
        escape=characters[2],
        subcomponent=characters[3],
        charset=charset,
    )


def split_segments(raw: bytes, encoding: Encoding) -> list[Segment]:
    """The message's segments; CR, CRLF or LF line ends."""
    try:
        text = raw.decode(encoding.charset)
    except UnicodeDecodeError:
        if encoding.charset in ("utf-8", "ascii"):
            raise Refused(
                "AR", "the message is not valid UTF-8 and MSH-18 declares no other character set", "102"
            ) from None
        raise Refused("AR", "the message does not match the character set MSH-18 declares", "102") from None
    lines = text.lstrip("\x0b").replace("\r\n", "\r").replace("\n", "\r").split("\r")
    return [Segment(encoding, line) for line in lines if line.strip()]


def identify(raw: bytes) -> tuple[str, str | None]:
    """The message type and control id of a block, as far as they can be read (for rejects and logs)."""
    try:
        encoding = read_encoding(raw)
    except Refused:
        return "message", None
    header = raw.lstrip(b"\x0b\r\n \t").replace(b"\n", b"\r").split(b"\r", 1)[0]
    msh = Segment(encoding, header.decode("latin-1"))
    kind = " ".join(part for part in (msh.component(9, 1), msh.component(9, 2)) if part) or "message"
    return kind[:32], msh.field(10)[:64] or None


def parse_time(text: str, zone: tzinfo, what: str) -> datetime:
    """An HL7 DTM (YYYYMMDD[HH[MM[SS[.S[S[S[S]]]]]]][+/-ZZZZ], or a TS whose first component is
    one) in UTC; without an offset it is a wall-clock time of the hospital's `zone`."""
    found = _TIME.fullmatch(text.strip())
    if found is None:
        raise Refused("AR", f"{what} is not an HL7 timestamp", "102")
    year, month, day, hour, minute, second, fraction, offset = found.groups()
    if fraction is not None and second is None:  # a fraction only follows the seconds
        raise Refused("AR", f"{what} is not an HL7 timestamp", "102")
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
        if offset is None:
            return moment.replace(tzinfo=zone).astimezone(UTC)
        hours, minutes = int(offset[1:3]), int(offset[3:5])
        if hours > 14 or minutes > 59:
            raise ValueError("offset out of range")
        shift = timedelta(hours=hours, minutes=minutes) * (1 if offset[0] == "+" else -1)
        return moment.replace(tzinfo=UTC) - shift
    except ValueError:
        raise Refused("AR", f"{what} is not a valid date and time", "102") from None


def time_field(segment: Segment, number: int, zone: tzinfo) -> datetime | None:
    """A time field (DTM, or TS whose first component is the time); None when empty."""
    text = segment.component(number, 1)
    return parse_time(text, zone, f"{segment.name}-{number}") if text else None
