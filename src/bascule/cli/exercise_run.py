"""`bascule exercise start|status|release|pause|resume|end|improve|report`: run an exercise in the
crisis database from a terminal (the facilitator's page in the crisis app does the same), and make
its after-action report. Django is loaded only inside the commands, through `bascule.incident.wiring`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.context import environment
from bascule.cli.exercise import exercise_app, reader_lang
from bascule.cli.options import output_lang
from bascule.cli.serve import DataOption, DbOption
from bascule.durable import write_atomically
from bascule.errors import UserError
from bascule.exercise.model import clock_label
from bascule.i18n import register as register_texts
from bascule.i18n import t
from bascule.incident.ports import IncidentStore

register_texts(
    "exercise_run",
    {
        key: {"fr": fr, "en": en}
        for key, (fr, en) in {
            "started": (
                "Exercice lancé : incident {incident} « {title} » (scénario {script}, vitesse ×{speed:g}, {mode}). "
                "Servez l'application de crise (bascule serve --data …) ; la page de l'animateur est "
                "/incidents/{incident}/exercise/.",
                'Exercise started: incident {incident} "{title}" (script {script}, speed ×{speed:g}, {mode}). '
                "Serve the crisis app (bascule serve --data …); the facilitator's page is "
                "/incidents/{incident}/exercise/.",
            ),
            "automatic": ("messages envoyés par l'horloge", "messages released by the clock"),
            "manual": ("messages envoyés par l'animateur", "messages released by the facilitator"),
            "carried": (
                "{count} action(s) d'amélioration d'exercices précédents données à la cellule.",
                "{count} improvement action(s) of earlier exercises given to the cell.",
            ),
            "status": (
                "Incident {incident} — {title} : {minute} / {duration}, {state} ; {released} message(s) envoyé(s), "
                "{coming} à venir.",
                "Incident {incident} — {title}: {minute} / {duration}, {state}; {released} message(s) released, "
                "{coming} to come.",
            ),
            "running": ("en cours", "running"),
            "paused": ("en pause", "paused"),
            "ended": ("terminé", "ended"),
            "released": ("Message {inject} envoyé à {minute}.", "Inject {inject} released at {minute}."),
            "clock": ("Exercice {state} à {minute}.", "Exercise {state} at {minute}."),
            "improved": (
                "Action d'amélioration {id} notée ; elle sera donnée à la cellule au prochain exercice sur cette carte.",
                "Improvement action {id} recorded; the cell gets it at the next exercise on this map.",
            ),
            "report": (
                "Rapport écrit dans {path} : note de préparation {score}/100.",
                "Report written to {path}: readiness score {score}/100.",
            ),
        }.items()
    },
)

IncidentArg = Annotated[int, typer.Option("--incident", help="The exercise's incident number.")]
ActorOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        help="The facilitator's account signing the change (default: the exercise's own system account).",
    ),
]
LangOpt = Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]


def _store(data: Path | None, db: Path | None) -> IncidentStore:
    from bascule.incident import wiring

    return wiring.crisis_store(environment().variables, data, db)


def _actor(name: str | None) -> str:
    """The account that signs: an active account of the cell, or the exercise's system account."""
    from bascule.incident import wiring
    from bascule.incident.exercise import EXERCISE_ACTOR

    if name is None:
        return EXERCISE_ACTOR
    if not any(n == name and active for n, _, active in wiring.account_book().listing()):
        raise UserError(
            f"There is no active account {name!r} in the crisis database; create it with `bascule users add`.",
            fr=f"Il n'y a pas de compte actif {name!r} dans la base de crise ; créez-le avec `bascule users add`.",
        )
    return name


def register(app: typer.Typer) -> None:
    """Add the commands that run an exercise to the `exercise` group (`bascule.cli.exercise` adds
    the group itself, registered before this module)."""

    @exercise_app.command("start")
    def start(
        script: Annotated[
            str, typer.Argument(metavar="SCRIPT", help="An embedded script's name or a script file.")
        ],
        speed: Annotated[
            float,
            typer.Option("--speed", help="Exercise minutes per real minute (10: a 2-hour script in 12 min)."),
        ] = 1.0,
        manual: Annotated[
            bool,
            typer.Option("--manual", help="The facilitator releases every message; the clock releases none."),
        ] = False,
        title: Annotated[
            str, typer.Option("--title", help="The incident's title (default: the script's).")
        ] = "",
        as_name: ActorOption = None,
        data: DataOption = None,
        db: DbOption = None,
        lang: LangOpt = None,
    ) -> None:
        """Open an incident in exercise mode on the script's map, declare its starting scenario, start the clock."""
        from bascule.exercise.loading import load_script, script_map_path
        from bascule.incident.exercise import release_due, start_exercise

        if not 0 < speed <= 600:
            raise UserError(
                f"--speed {speed:g} is not between 0 and 600 exercise minutes per real minute.",
                fr=f"--speed {speed:g} n'est pas entre 0 et 600 minutes d'exercice par minute réelle.",
            )
        loaded = load_script(script)
        map_path = script_map_path(loaded)
        store = _store(data, db)
        actor = _actor(as_name)
        exercise = start_exercise(
            store,
            actor,
            loaded,
            loaded.map_ref if loaded.map_ref == "demo" else str(map_path),
            map_path.read_text(encoding="utf-8"),
            speed=speed,
            automatic=not manual,
            title=title,
        )
        release_due(store, exercise.incident.id)
        language = reader_lang(lang)
        mode = t(f"exercise_run.{'manual' if manual else 'automatic'}", language)
        typer.echo(
            t(
                "exercise_run.started",
                language,
                incident=exercise.incident.id,
                title=exercise.incident.title,
                script=loaded.id,
                speed=speed,
                mode=mode,
            )
        )
        carried = len(store.repository.open_actions(exercise.incident.id))
        if carried:
            typer.echo(t("exercise_run.carried", language, count=carried))

    @exercise_app.command("status")
    def status(
        incident: IncidentArg,
        data: DataOption = None,
        db: DbOption = None,
        json_output: Annotated[bool, typer.Option("--json", help="Print the state as JSON.")] = False,
        lang: LangOpt = None,
    ) -> None:
        """The exercise clock, the messages released and those to come (releases those now due)."""
        from bascule.incident.exercise import exercise_of, minute_now, release_due

        store = _store(data, db)
        release_due(store, incident)
        exercise = exercise_of(store, incident)
        released = store.exercises.releases(incident)
        minute = minute_now(store, exercise)
        state = "ended" if exercise.ended else "paused" if exercise.clock.paused else "running"
        if json_output:
            document = {
                "incident": incident,
                "script": exercise.script.id,
                "minute": round(minute, 2),
                "duration_minutes": exercise.script.duration_minutes,
                "speed": exercise.clock.speed,
                "automatic": exercise.run.automatic,
                "state": state,
                "released": [
                    {
                        "inject": r.inject_id,
                        "minute": round(r.minute, 2),
                        "by": r.released_by,
                        "automatic": r.automatic,
                    }
                    for r in released
                ],
                "coming": [
                    i.id for i in exercise.script.injects if i.id not in {r.inject_id for r in released}
                ],
            }
            typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
            return
        language = reader_lang(lang)
        typer.echo(
            t(
                "exercise_run.status",
                language,
                incident=incident,
                title=exercise.incident.title,
                minute=clock_label(minute),
                duration=clock_label(exercise.script.duration_minutes),
                state=t(f"exercise_run.{state}", language),
                released=len(released),
                coming=len(exercise.script.injects) - len(released),
            )
        )

    @exercise_app.command("release")
    def release(
        inject: Annotated[str, typer.Argument(metavar="INJECT", help="The inject's id in the script.")],
        incident: IncidentArg,
        as_name: ActorOption = None,
        data: DataOption = None,
        db: DbOption = None,
        lang: LangOpt = None,
    ) -> None:
        """Release a message to the players now; its effects (hits, return times) take hold at once."""
        from bascule.incident.exercise import release_inject

        store = _store(data, db)
        done = release_inject(store, incident, _actor(as_name), inject)
        typer.echo(
            t(
                "exercise_run.released",
                reader_lang(lang),
                inject=done.inject_id,
                minute=clock_label(done.minute),
            )
        )

    def _clock_command(move: str) -> None:
        @exercise_app.command(move)
        def command(
            incident: IncidentArg,
            as_name: ActorOption = None,
            data: DataOption = None,
            db: DbOption = None,
            lang: LangOpt = None,
        ) -> None:
            from bascule.incident import exercise as exercises

            store = _store(data, db)
            change = {
                "pause": exercises.pause_exercise,
                "resume": exercises.resume_exercise,
                "end": exercises.end_exercise,
            }[move]
            done = change(store, incident, _actor(as_name))
            language = reader_lang(lang)
            state = "ended" if done.ended else "paused" if done.clock.paused else "running"
            minute = exercises.minute_now(store, done)
            typer.echo(
                t(
                    "exercise_run.clock",
                    language,
                    state=t(f"exercise_run.{state}", language),
                    minute=clock_label(minute),
                )
            )

        command.__doc__ = {
            "pause": "Stop the exercise clock (messages due wait).",
            "resume": "Start the exercise clock again.",
            "end": "End the exercise for good (the report covers it up to now).",
        }[move]

    for move in ("pause", "resume", "end"):
        _clock_command(move)

    @exercise_app.command("improve")
    def improve(
        text: Annotated[str, typer.Argument(metavar="TEXT", help="What to improve (no patient data).")],
        incident: IncidentArg,
        role: Annotated[str, typer.Option("--role", help="The role in charge (director, it, medical, ...).")],
        as_name: ActorOption = None,
        data: DataOption = None,
        db: DbOption = None,
        lang: LangOpt = None,
    ) -> None:
        """Record an improvement action; the next exercise on the same map starts with it as an action."""
        from bascule.incident.exercise import add_improvement

        roles = (
            "director",
            "it",
            "medical",
            "communications",
            "observer",
            "identity",
            "saisie",
            "facilitator",
            "laboratory",
        )
        if role not in roles:
            raise UserError(
                f"--role {role!r} is not a role; use one of {', '.join(roles)}.",
                fr=f"--role {role!r} n'est pas un rôle ; utilisez l'un de {', '.join(roles)}.",
            )
        store = _store(data, db)
        made = add_improvement(store, incident, _actor(as_name), text, role, roles)
        typer.echo(t("exercise_run.improved", reader_lang(lang), id=made.id))

    @exercise_app.command("report")
    def report(
        incident: IncidentArg,
        out: Annotated[Path, typer.Option("--out", help="Where to write the report: FILE.pdf or FILE.html.")],
        data: DataOption = None,
        db: DbOption = None,
        json_output: Annotated[
            bool, typer.Option("--json", help="Also print the figures (score, decisions, minutes) as JSON.")
        ] = False,
        lang: LangOpt = None,
    ) -> None:
        """The after-action report (HTML or PDF, fr or en): injects and decisions, times, misses,
        uncovered minutes against the optimal order, procedures, improvements and the readiness score."""
        from bascule.exercise.report_html import report_html
        from bascule.exercise.report_json import report_json
        from bascule.exercise.report_pdf import report_pdf
        from bascule.incident.exercise import after_action_report

        suffix = out.suffix.lower()
        if suffix not in (".pdf", ".html", ".htm"):
            raise UserError(
                f"--out {out} must end in .pdf or .html.", fr=f"--out {out} doit finir par .pdf ou .html."
            )
        if not out.parent.is_dir():
            raise UserError(
                f"The folder {out.parent} does not exist; create it first.",
                fr=f"Le dossier {out.parent} n'existe pas ; créez-le d'abord.",
            )
        store = _store(data, db)
        figures, hospital = after_action_report(store, incident)
        language = output_lang(lang, hospital)
        if suffix == ".pdf":
            write_atomically(out, report_pdf(figures, hospital, language))
        else:
            write_atomically(out, report_html(figures, hospital, language).encode("utf-8"))
        if json_output:
            typer.echo(json.dumps(report_json(figures), ensure_ascii=False, indent=2))
        typer.echo(t("exercise_run.report", language, path=out, score=figures.score))
