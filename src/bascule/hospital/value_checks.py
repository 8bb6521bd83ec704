"""The checkers of a map's values: each takes a raw value and returns an error sentence or None.

Each sentence is said twice, in English and in French (`Said`): `map check` and every command that
loads a map print its problems in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from bascule.clinical.settings import MED_TIME_CODES, known_zone, parse_clock
from bascule.hospital.naming import closest


class Said(NamedTuple):
    """One sentence about a map, in English and in French."""

    en: str
    fr: str


# What each section's entries may hold. A checker returns an error sentence or None.
Checker = Callable[[Any], Said | None]


def hint(word: str, candidates: Iterable[str]) -> Said:
    """' (did you mean "lims"?)' and its French, or two empty texts when nothing is close."""
    match = closest(word, candidates)
    if not match:
        return Said("", "")
    return Said(f' (did you mean "{match}"?)', f" (vouliez-vous dire « {match} » ?)")


def _is_text(value: Any) -> Said | None:
    if isinstance(value, str):
        return None
    return Said(
        f"must be text, not {_type_name(value)}", f"doit être du texte, pas {_type_name(value, 'fr')}"
    )


def _is_id(value: Any) -> Said | None:
    if not isinstance(value, str) or not value.strip():
        return Said(
            f"must be a non-empty text id, not {_type_name(value)}",
            f"doit être un identifiant texte non vide, pas {_type_name(value, 'fr')}",
        )
    return None


def _is_count(minimum: int) -> Checker:
    def check(value: Any) -> Said | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return Said(
                f"must be a whole number, not {_type_name(value)}",
                f"doit être un nombre entier, pas {_type_name(value, 'fr')}",
            )
        if value >= minimum:
            return None
        return Said(
            f"must be at least {minimum}, not {value}", f"doit valoir au moins {minimum}, pas {value}"
        )

    return check


def _is_hours(value: Any) -> Said | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Said(
            f"must be a number, not {_type_name(value)}",
            f"doit être un nombre, pas {_type_name(value, 'fr')}",
        )
    if value >= 0:
        return None
    return Said(f"must not be negative, not {value}", f"ne doit pas être négatif, pas {value}")


def _is_text_list(value: Any) -> Said | None:
    if not isinstance(value, list):
        return Said(
            f"must be a list of text, not {_type_name(value)}",
            f"doit être une liste de textes, pas {_type_name(value, 'fr')}",
        )
    bad = [item for item in value if not isinstance(item, str)]
    if not bad:
        return None
    return Said(
        f"must be a list of text; {_type_name(bad[0])} found",
        f"doit être une liste de textes ; elle contient {_type_name(bad[0], 'fr')}",
    )


def _is_priority(value: Any) -> Said | None:
    if isinstance(value, bool) or value not in (1, 2, 3, 4):
        return Said(
            f"must be 1 (vital), 2 (urgent), 3 (important) or 4 (deferrable), not {value!r}",
            f"doit valoir 1 (vital), 2 (urgent), 3 (important) ou 4 (différable), pas {value!r}",
        )
    return None


def _is_lang(value: Any) -> Said | None:
    if value in ("fr", "en"):
        return None
    return Said(f"must be fr or en, not {value!r}", f"doit être fr ou en, pas {value!r}")


def _is_timezone(value: Any) -> Said | None:
    if isinstance(value, str) and known_zone(value):
        return None
    return Said(
        f"must be an IANA time zone such as Europe/Paris or Europe/London, not {value!r}",
        f"doit être un fuseau horaire IANA comme Europe/Paris ou Europe/London, pas {value!r}",
    )


def _is_country(value: Any) -> Said | None:
    from phonenumbers import SUPPORTED_REGIONS  # lazy: only maps that name a country pay for it

    if isinstance(value, str) and value in SUPPORTED_REGIONS:
        return None
    return Said(
        f"must be an ISO 3166 country code such as FR or GB, not {value!r}",
        f"doit être un code pays ISO 3166 comme FR ou GB, pas {value!r}",
    )


def _is_med_times(value: Any) -> Said | None:
    if not isinstance(value, dict):
        return Said(
            f"must be a mapping of timing code to times, not {_type_name(value)}",
            f"doit associer des codes de moment à des heures, pas {_type_name(value, 'fr')}",
        )
    codes = ", ".join(MED_TIME_CODES)
    for code, times in value.items():
        if str(code).upper() not in MED_TIME_CODES:
            near = hint(str(code).upper(), MED_TIME_CODES)
            return Said(
                f'unknown timing code "{code}"{near.en}; codes are {codes}',
                f"code de moment inconnu « {code} »{near.fr} ; les codes sont {codes}",
            )
        if not isinstance(times, list) or not times:
            return Said(
                f'{code}: must be a list of times HH:MM such as ["08:00", "20:00"]',
                f'{code} : doit être une liste d\'heures HH:MM comme ["08:00", "20:00"]',
            )
        for text in times:
            try:
                parse_clock(text if isinstance(text, str) else "")
            except ValueError:
                return Said(
                    f'{code}: {text!r} is not a time HH:MM (write it in quotes, like "08:00")',
                    f'{code} : {text!r} n\'est pas une heure HH:MM (écrivez-la entre guillemets, comme "08:00")',
                )
    return None


ACTIVITY_KINDS = ("consultation", "imaging", "surgery", "blood-test")
ACTIVITY_URGENCIES = ("routine", "urgent", "emergency")
ACTIVITY_DECISIONS = ("maintain", "postpone", "cancel", "divert")


def _is_kind_list(value: Any) -> Said | None:
    error = _is_text_list(value)
    if error:
        return error
    kinds = ", ".join(ACTIVITY_KINDS)
    if not value:
        return Said(
            f"must name at least one kind of activity: {kinds}",
            f"doit nommer au moins un type d'activité : {kinds}",
        )
    for kind in value:
        if kind not in ACTIVITY_KINDS:
            near = hint(kind, ACTIVITY_KINDS)
            return Said(
                f'unknown kind of activity "{kind}"{near.en}; kinds are {kinds}',
                f"type d'activité inconnu « {kind} »{near.fr} ; les types sont {kinds}",
            )
    return None


def _is_policy(value: Any) -> Said | None:
    if not isinstance(value, dict):
        return Said(
            f"must be a mapping of urgency to decision, not {_type_name(value)}",
            f"doit associer des urgences à des décisions, pas {_type_name(value, 'fr')}",
        )
    urgencies, decisions = ", ".join(ACTIVITY_URGENCIES), ", ".join(ACTIVITY_DECISIONS)
    for urgency, decision in value.items():
        if urgency not in ACTIVITY_URGENCIES:
            near = hint(str(urgency), ACTIVITY_URGENCIES)
            return Said(
                f'unknown urgency "{urgency}"{near.en}; urgencies are {urgencies}',
                f"urgence inconnue « {urgency} »{near.fr} ; les urgences sont {urgencies}",
            )
        if decision not in ACTIVITY_DECISIONS:
            near = hint(str(decision), ACTIVITY_DECISIONS)
            return Said(
                f'{urgency}: unknown decision "{decision}"{near.en}; decisions are {decisions}',
                f"{urgency} : décision inconnue « {decision} »{near.fr} ; les décisions sont {decisions}",
            )
    return None


def _is_anything(value: Any) -> Said | None:
    return None  # checked elsewhere (needs, references)


def _is_share(value: Any) -> Said | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown, montre = _type_name(value), _type_name(value, "fr")
    elif 0 <= value <= 1:
        return None
    else:
        shown = montre = str(value)
    return Said(
        f"must be a share between 0 and 1 (0.3 for 30 %), not {shown}",
        f"doit être une part entre 0 et 1 (0.3 pour 30 %), pas {montre}",
    )


def _is_floors(value: Any) -> Said | None:
    if not isinstance(value, dict):
        return Said(
            f"must map record tables to shares (allergies: 0.95), not {_type_name(value)}",
            f"doit associer des tables à des parts (allergies: 0.95), pas {_type_name(value, 'fr')}",
        )
    for table, share in value.items():
        if (error := _is_id(table)) or (error := _is_share(share)):
            return Said(f"{table}: {error.en}", f"{table} : {error.fr}")
    return None


_TYPE_NAMES: tuple[tuple[type, str, str], ...] = (
    (dict, "a mapping", "un dictionnaire"),
    (list, "a list", "une liste"),
    (str, "text", "du texte"),
    (bool, "true/false", "vrai/faux"),
    (type(None), "nothing", "rien"),
)


def _type_name(value: Any, lang: str = "en") -> str:
    for kind, name, nom in _TYPE_NAMES:
        if isinstance(value, kind):
            return nom if lang == "fr" else name
    if isinstance(value, int | float):
        return "un nombre" if lang == "fr" else "a number"
    return type(value).__name__
