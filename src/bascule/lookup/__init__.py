"""Finding a patient at the downtime station: by name as one types, birth date, or an identifier.

Pure: `folding` makes names comparable (accents, case, Ø, ß...), `query` reads what was typed,
`index` holds one card per patient and answers searches in a few milliseconds. `from_store` (the
one adapter) builds the cards from a continuity store.
"""

from bascule.lookup.folding import fold, tokens
from bascule.lookup.index import Hit, PatientCard, PatientIndex
from bascule.lookup.query import Query, parse_query

__all__ = ["Hit", "PatientCard", "PatientIndex", "Query", "fold", "parse_query", "tokens"]
