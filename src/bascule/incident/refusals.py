"""Why a use-case of an incident refuses: one sentence each, and the values a face needs to say it
in the user's language (web pages translate them; the CLI prints the sentence in the reader's language)."""

from __future__ import annotations

from bascule.errors import NotFoundError, UserError


class NoSuchIncident(NotFoundError):
    def __init__(self, incident_id: int) -> None:
        super().__init__(
            f"There is no incident {incident_id} in the crisis database; check the number.",
            fr=f"Il n'y a pas d'incident {incident_id} dans la base de crise ; vérifiez le numéro.",
        )
        self.incident_id = incident_id


class UnknownTarget(UserError):
    """A node, segment, supplier, team, state or status the incident's map or the app does not know."""

    def __init__(self, target: str) -> None:
        shown = target[:128]
        super().__init__(
            f'"{shown}" is not something this incident knows; pick it from the list.',
            fr=f"« {shown} » n'est pas connu de cet incident ; choisissez-le dans la liste.",
        )
        self.target = shown


class AlreadyHit(UserError):
    def __init__(self, target: str) -> None:
        super().__init__(
            f"{target} is already declared hit.", fr=f"{target} est déjà déclaré touché.", exit_code=2
        )
        self.target = target


class ConfirmationNeeded(UserError):
    """An isolation is declared only after its what-if was seen and confirmed."""

    def __init__(self, segment: str) -> None:
        super().__init__(
            f"Isolating {segment} must be confirmed after its what-if.",
            fr=f"L'isolement de {segment} doit être confirmé après sa simulation.",
        )
        self.segment = segment


class MissingField(UserError):
    """A form field the use-case needs is empty (`field` names it: title, owner, due...)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"The {field} is missing.", fr=f"Le champ {field} manque.")
        self.field = field


class InvalidField(UserError):
    def __init__(self, field: str) -> None:
        super().__init__(f"The {field} is not valid.", fr=f"Le champ {field} n'est pas valide.")
        self.field = field


class NotAnId(UserError):
    """A map id the journal cannot hold (it keeps ids only: letters, digits and _ . : + @ / -)."""

    def __init__(self, target: str) -> None:
        shown = target[:128]
        super().__init__(
            f'"{shown}" cannot be written in the crisis journal; rename it in the map without spaces.',
            fr=f"« {shown} » ne peut pas être écrit dans le journal de crise ; renommez-le dans la carte sans espaces.",
        )
        self.target = shown


class ReturnTimeOutOfRange(UserError):
    """A return time before the incident opened, or further than `limit_hours` after it (a typing
    slip, never a plan)."""

    def __init__(self, hours: float, limit_hours: float) -> None:
        super().__init__(
            f"A return time is given in hours after the incident opened, from 0 to {limit_hours:g}; "
            f"{hours:g} is not.",
            fr="Une heure de retour se donne en heures après l'ouverture de l'incident, de 0 à "
            f"{limit_hours:g} ; {hours:g} ne convient pas.",
        )
        self.hours = hours
        self.limit_hours = limit_hours


class NotAnExercise(UserError):
    def __init__(self, incident_id: int) -> None:
        super().__init__(
            f"Incident {incident_id} is not an exercise; exercises are started with `bascule exercise start`.",
            fr=f"L'incident {incident_id} n'est pas un exercice ; un exercice se lance avec `bascule exercise start`.",
        )
        self.incident_id = incident_id


class ExerciseOver(UserError):
    def __init__(self, incident_id: int) -> None:
        super().__init__(
            f"The exercise of incident {incident_id} has ended; nothing more can be released or paused.",
            fr=f"L'exercice de l'incident {incident_id} est terminé ; plus rien ne peut être envoyé ni mis en pause.",
        )
        self.incident_id = incident_id


class AlreadyReleased(UserError):
    def __init__(self, inject_id: str) -> None:
        super().__init__(
            f"The inject {inject_id} was already released.", fr=f"L'inject {inject_id} a déjà été envoyé."
        )
        self.inject_id = inject_id


class ClockState(UserError):
    """Pausing a paused clock, resuming a running one."""

    def __init__(self, paused: bool) -> None:
        if paused:
            super().__init__(
                "The exercise clock is already paused.", fr="L'horloge de l'exercice est déjà en pause."
            )
        else:
            super().__init__(
                "The exercise clock is already running.", fr="L'horloge de l'exercice tourne déjà."
            )
        self.paused = paused


class NotDown(UserError):
    """A fallback procedure is started for a care process that is down and has one."""

    def __init__(self, process: str) -> None:
        super().__init__(
            f"{process} is not down, or has no fallback procedure to start.",
            fr=f"{process} n'est pas à l'arrêt, ou n'a pas de procédure dégradée à déclencher.",
        )
        self.process = process


class AlreadyStarted(UserError):
    def __init__(self, procedure: str) -> None:
        super().__init__(
            f"The procedure {procedure} is already started.",
            fr=f"La procédure {procedure} est déjà déclenchée.",
        )
        self.procedure = procedure
