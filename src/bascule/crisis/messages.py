"""Every sentence of the crisis application, in French and English."""

from __future__ import annotations

from bascule.i18n import register
from bascule.incident.sitrep_texts import SITREP_TEXTS

_TEXTS: dict[str, tuple[str, str]] = {
    # navigation and frame
    "app": ("Cellule de crise", "Crisis cell"),
    "nav_board": ("Tableau", "Board"),
    "nav_infra": ("Infrastructure", "Infrastructure"),
    "nav_suppliers": ("Fournisseurs", "Suppliers"),
    "nav_diagram": ("Schéma", "Diagram"),
    "nav_hits": ("Déclarer / lever", "Declare / lift"),
    "nav_restoration": ("Restauration", "Restoration"),
    "nav_journal": ("Main courante", "Journal"),
    "nav_actions": ("Actions", "Actions"),
    "nav_sitreps": ("Points de situation", "Situation reports"),
    "nav_incidents": ("Incidents", "Incidents"),
    "nav_users": ("Comptes", "Accounts"),
    "logout": ("Se déconnecter", "Log out"),
    "data_as_of": ("État au", "Data as of"),
    "last_change": ("dernier changement", "last change"),
    "ago": ("il y a", "ago"),
    "stale": ("ÉCRAN NON MIS À JOUR depuis", "SCREEN NOT UPDATED since"),
    "role": ("Rôle", "Role"),
    "forbidden": ("Votre rôle ne permet pas cette action.", "Your role does not allow this action."),
    "back": ("Retour", "Back"),
    "not_found": ("Cette page n'existe pas.", "This page does not exist."),
    # login
    "login_title": ("Connexion à la cellule de crise", "Sign in to the crisis cell"),
    "username": ("Identifiant", "User name"),
    "password": ("Mot de passe", "Password"),
    "login": ("Se connecter", "Sign in"),
    "login_failed": ("Identifiant ou mot de passe incorrect.", "Wrong user name or password."),
    # incidents
    "incidents": ("Incidents", "Incidents"),
    "no_incident": ("Aucun incident ouvert.", "No incident is open."),
    "open_incident": ("Ouvrir un incident", "Open an incident"),
    "title": ("Titre", "Title"),
    "map_file": ("Fichier de cartographie (YAML ou JSON)", "Map file (YAML or JSON)"),
    "or_demo": ("ou la cartographie de démonstration", "or the demo map"),
    "use_demo": ("Utiliser la démo", "Use the demo"),
    "open": ("Ouvrir", "Open"),
    "opened": ("ouvert le", "opened"),
    "map_hash": ("empreinte de la cartographie", "map fingerprint"),
    "map_refused": ("Cartographie refusée :", "Map refused:"),
    "title_missing": ("Donnez un titre à l'incident.", "Give the incident a title."),
    "map_missing": ("Choisissez un fichier de cartographie ou la démo.", "Choose a map file or the demo."),
    # status labels (never colour alone)
    "st_down": ("À L'ARRÊT", "DOWN"),
    "st_degraded": ("DÉGRADÉ", "DEGRADED"),
    "st_up": ("FONCTIONNE", "UP"),
    "sec_uncovered": ("À l'arrêt sans procédure de secours", "Down with no fallback procedure"),
    "sec_fallback": ("À l'arrêt, procédure dégradée en cours", "Down, running on the fallback procedure"),
    "sec_degraded": ("Dégradés", "Degraded"),
    "sec_up": ("Fonctionnent", "Up"),
    "priority": ("Priorité", "Priority"),
    "prio_1": ("vitale", "vital"),
    "prio_2": ("urgente", "urgent"),
    "prio_3": ("importante", "important"),
    "prio_4": ("différable", "deferrable"),
    "cause_declared": ("déclaré compromis", "declared compromised"),
    "cause_isolated": ("segment isolé", "segment isolated"),
    "cause_supplier": ("fournisseur à l'arrêt", "supplier down"),
    "cause_dependency": ("dépendance", "dependency"),
    "none": ("Néant.", "None."),
    "eta": ("Retour estimé", "Estimated back"),
    "eta_in": ("dans {hours} h", "in {hours} h"),
    "plan_stale": (
        "Calculé avant le dernier changement, à {time} (déclarations, tâches ou dates de retour) : "
        "ces retours estimés ne sont plus à jour, recalculez le plan.",
        "Computed before the last change, at {time} (declarations, tasks or return times): these "
        "estimated returns are out of date, re-plan.",
    ),
    "now_title": ("À faire maintenant", "What to do now"),
    "now_divert": (
        "Réorienter les patients vers l'établissement le plus proche qui peut les prendre :",
        "Divert patients to the nearest facility that can take them:",
    ),
    "now_no_facility": (
        "Aucun établissement de la cartographie n'a la capacité « {capability} » : cherchez un "
        "accueil avec le SAMU.",
        'No facility of the map has the capability "{capability}": find one with the SAMU.',
    ),
    "now_no_capability": (
        "La cartographie ne dit pas quelle capacité ce processus demande à un autre établissement "
        "(clé capability du processus).",
        "The map does not say which capability this process needs from another facility (the "
        "process's capability key).",
    ),
    "now_call": ("Appeler la coordination :", "Call the coordination:"),
    "now_no_contact": (
        "Aucun contact SAMU ni coordination ambulancière dans la cartographie (section contacts) : "
        "appelez le 15 ou le 112.",
        "No SAMU or ambulance coordination contact in the map (contacts section): call the emergency number.",
    ),
    "phone": ("tél.", "tel."),
    "board_etas_stale": (
        "Les retours estimés viennent d'un plan calculé avant le dernier changement, à {time} : "
        "recalculez le plan (onglet Restauration).",
        "The estimated returns come from a plan computed before the last change, at {time}: re-plan "
        "(Restoration tab).",
    ),
    "sitrep_stale": (
        "Ce point a été préparé avant le dernier changement, à {time} : préparez-en un nouveau.",
        "This report was made before the last change, at {time}: make a new one.",
    ),
    "returns_title": (
        "Retour attendu des segments isolés et des fournisseurs",
        "When isolated segments and suppliers are expected back",
    ),
    "returns_none": (
        "Aucun segment isolé ni fournisseur à l'arrêt.",
        "No segment is isolated and no supplier is down.",
    ),
    "return_unknown_yet": ("non renseigné : jamais dans le plan", "not given: never within the plan"),
    "return_kind_segment": ("segment isolé", "isolated segment"),
    "return_kind_supplier": ("fournisseur à l'arrêt", "supplier down"),
    "gantt_title": ("Diagramme de Gantt", "Gantt chart"),
    "return_form_title": (
        "Dire quand un segment isolé ou un fournisseur revient",
        "Say when an isolated segment or a supplier comes back",
    ),
    "return_what": ("Segment ou fournisseur", "Segment or supplier"),
    "return_hours": ("dans … heures après l'ouverture", "… hours after the opening"),
    "return_or_at": ("ou le (date et heure locales)", "or at (local date and time)"),
    "return_set": ("Enregistrer et recalculer", "Save and re-plan"),
    "return_invalid": (
        "Date de retour illisible : un nombre d'heures (36 ou 1,5) ou une date AAAA-MM-JJ HH:MM.",
        "Unreadable return time: a number of hours (36 or 1.5) or a date YYYY-MM-DD HH:MM.",
    ),
    "return_missing": (
        "Donnez la date de retour : en heures après l'ouverture, ou une date et une heure.",
        "Give the return time: in hours after the opening, or a date and time.",
    ),
    "return_unknown": (
        "« {target} » n'est ni un segment isolé ni un fournisseur à l'arrêt : choisissez-le dans la liste.",
        '"{target}" is neither an isolated segment nor a supplier down: pick it from the list.',
    ),
    "return_out_of_range": (
        "Date de retour hors limites : entre l'ouverture de l'incident et {days} jours après.",
        "Return time out of range: between the opening of the incident and {days} days after it.",
    ),
    "journal_head": (
        "Main courante à l'émission de ce point (n° : empreinte)",
        "Journal when this report was made (no.: fingerprint)",
    ),
    "journal_checkpoint": (
        "Point de contrôle signé de la main courante : {count} entrées, sceau {head}…, {time}",
        "Signed journal checkpoint: {count} entries, seal {head}…, {time}",
    ),
    "tasks_done": ("Tâches terminées", "Finished tasks"),
    "now": ("maintenant", "now"),
    "steps": ("{count} étapes", "{count} steps"),
    "confirm_lift": (
        "Lever la déclaration de {target} : est-il vraiment rétabli ?",
        "Lift {target}: is it really restored?",
    ),
    "declared_now": ("Déclarés", "Declared"),
    # infrastructure and suppliers
    "node": ("Élément", "Item"),
    "status": ("État", "Status"),
    "cause": ("Cause", "Cause"),
    "applications": ("Applications", "Applications"),
    "assets": ("Infrastructure", "Infrastructure"),
    "supplier": ("Fournisseur", "Supplier"),
    "runs": ("Exploite", "Runs"),
    "supplier_down": ("À L'ARRÊT", "DOWN"),
    "supplier_up": ("DISPONIBLE", "AVAILABLE"),
    "diagram_missing": ("Le schéma n'est pas disponible.", "The diagram is not available."),
    # what a node of the map is (`kind` of assets; applications)
    "nodekind_server": ("serveur", "server"),
    "nodekind_storage": ("stockage", "storage"),
    "nodekind_network": ("réseau", "network"),
    "nodekind_service": ("service", "service"),
    "nodekind_workstations": ("postes de travail", "workstations"),
    "nodekind_link": ("liaison", "link"),
    "nodekind_security": ("sécurité", "security"),
    "nodekind_telephony": ("téléphonie", "telephony"),
    "nodekind_application": ("application", "application"),
    # hits
    "declare_title": ("Déclarer ce qui est touché", "Declare what is hit"),
    "search": (
        "Rechercher un serveur, une application, un segment, un fournisseur…",
        "Search a server, application, segment or supplier…",
    ),
    "declare": ("Déclarer touché", "Declare hit"),
    "isolate_whatif": ("Isoler… (voir l'effet)", "Isolate… (see the effect)"),
    "active_hits": ("Actuellement déclarés", "Currently declared"),
    "lift": ("Lever (rétabli)", "Lift (restored)"),
    "declared_by": ("déclaré par {user} à {time}", "declared by {user} at {time}"),
    "no_hit": ("Rien n'est déclaré.", "Nothing is declared."),
    "no_match": ("Aucun résultat.", "No match."),
    "whatif_title": ("Avant d'isoler le segment {segment}", "Before isolating segment {segment}"),
    "whatif_newly": ("L'isolement mettrait en plus à l'arrêt :", "Isolating it would also take down:"),
    "whatif_processes": ("Processus de soins nouvellement à l'arrêt :", "Care processes newly down:"),
    "whatif_nothing": ("Rien de plus ne serait mis à l'arrêt.", "Nothing more would go down."),
    "confirm_isolation": ("Confirmer l'isolement", "Confirm the isolation"),
    "cancel": ("Annuler", "Cancel"),
    "unknown_target": ("« {target} » n'existe pas dans la cartographie.", '"{target}" is not in the map.'),
    "already_hit": ("« {target} » est déjà déclaré.", '"{target}" is already declared.'),
    "lang_invalid": ("Langue inconnue : choisissez fr ou en.", "Unknown language: choose fr or en."),
    "not_an_id": (
        "« {target} » ne peut pas être écrit dans le journal : renommez-le sans espace dans la cartographie.",
        '"{target}" cannot be written in the journal: rename it without spaces in the map.',
    ),
    # restoration
    "plan_title": ("Plan de restauration", "Restoration plan"),
    "plan_none": (
        "Rien à restaurer : aucun élément déclaré compromis.",
        "Nothing to restore: nothing is declared compromised.",
    ),
    "plan_made": ("plan calculé à {time} ({solver}, {status})", "plan made at {time} ({solver}, {status})"),
    "team": ("Équipe", "Team"),
    "task": ("Tâche", "Task"),
    "start": ("Début", "Start"),
    "end": ("Fin", "End"),
    "hours": ("heures depuis l'ouverture", "hours since opening"),
    "mark_started": ("Commencée", "Started"),
    "mark_done": ("Terminée", "Done"),
    "state_started": ("EN COURS", "IN PROGRESS"),
    "state_done": ("TERMINÉE", "DONE"),
    "state_planned": ("PRÉVUE", "PLANNED"),
    "replan": ("Recalculer le plan", "Re-plan"),
    "eta_title": ("Retour estimé des processus de soins", "When care processes come back"),
    "plan_unavailable": ("Le calcul du plan n'est pas disponible.", "Planning is not available."),
    # journal
    "journal_title": ("Main courante", "Crisis journal"),
    "journal_intact": (
        "Chaîne intacte : {count} entrées vérifiées.",
        "Chain intact: {count} entries checked.",
    ),
    "journal_broken": ("CHAÎNE ROMPUE à l'entrée {seq} : {reason}", "CHAIN BROKEN at entry {seq}: {reason}"),
    "seq": ("N°", "No."),
    "time": ("Heure", "Time"),
    "author": ("Auteur", "Author"),
    "event": ("Événement", "Event"),
    "details": ("Détails", "Details"),
    "add_note": ("Écrire une note", "Write a note"),
    "add_decision": ("Enregistrer une décision", "Record a decision"),
    "note_text": ("Texte (sans données patient)", "Text (no patient data)"),
    "save": ("Enregistrer", "Save"),
    "notes": ("Notes et décisions", "Notes and decisions"),
    "kind_note": ("Note", "Note"),
    "kind_decision": ("DÉCISION", "DECISION"),
    "export_csv": ("Exporter (CSV)", "Export (CSV)"),
    "export_pdf": ("Exporter (PDF)", "Export (PDF)"),
    "text_missing": ("Le texte est vide.", "The text is empty."),
    # actions
    "actions_title": ("Actions de la cellule", "Crisis cell actions"),
    "action": ("Action", "Action"),
    "owner": ("Responsable", "Owner"),
    "owner_role": ("ou rôle", "or role"),
    "create": ("Créer", "Create"),
    "overdue": ("EN RETARD", "OVERDUE"),
    "no_action": ("Aucune action.", "No action."),
    "owner_missing": ("Choisissez un responsable ou un rôle.", "Choose an owner or a role."),
    "due_invalid": ("Échéance illisible (AAAA-MM-JJ HH:MM).", "Unreadable due time (YYYY-MM-DD HH:MM)."),
    # sitreps
    "sitreps_title": ("Points de situation", "Situation reports"),
    "make_sitrep": ("Préparer le point de situation", "Make the situation report"),
    "sitrep_for": ("Point de situation — {title}", "Situation report — {title}"),
    "sitrep_down": ("Ce qui est à l'arrêt", "What is down"),
    "sitrep_changes": ("Ce qui a changé depuis le point précédent", "What changed since the last report"),
    "sitrep_decisions": ("Décisions", "Decisions"),
    "sitrep_actions": ("Actions en cours", "Open actions"),
    "sitrep_etas": ("Retours estimés", "Estimated returns"),
    "pdf": ("PDF", "PDF"),
    "no_sitrep": ("Aucun point de situation.", "No situation report yet."),
    # users
    "users_title": ("Comptes", "Accounts"),
    "add_user": ("Créer un compte", "Create an account"),
    "user_exists": ("Ce compte existe déjà.", "This account already exists."),
    "lang": ("Langue", "Language"),
    "active": ("actif", "active"),
    "disabled": ("désactivé", "disabled"),
    "disable": ("Désactiver", "Disable"),
    "enable": ("Réactiver", "Enable"),
    "new_password": ("Nouveau mot de passe", "New password"),
    "set_password": ("Changer", "Set"),
    "lockouts_title": ("Accès bloqués", "Locked access"),
    "no_lockout": ("Aucun accès bloqué.", "No access is locked."),
    "lock_username": ("compte", "account"),
    "lock_address": ("adresse", "address"),
    "lock_from": ("depuis {address}", "from {address}"),
    "failures": ("échecs", "failures"),
    "unlock": ("Débloquer", "Unlock"),
    "locked_title": ("Connexion bloquée", "Sign-in locked"),
    "locked_text": (
        "Trop de tentatives de connexion ont échoué pour ce compte ou depuis ce poste. Réessayez dans "
        "{minutes} minutes, ou demandez à un administrateur de la cellule de débloquer l'accès.",
        "Too many sign-in attempts failed for this account or from this computer. Try again in "
        "{minutes} minutes, or ask an administrator of the cell to unlock access.",
    ),
    "account_unknown": ("Le compte « {name} » n'existe pas.", 'There is no account "{name}".'),
    "cannot_disable_self": (
        "Vous ne pouvez pas désactiver votre propre compte.",
        "You cannot disable your own account.",
    ),
    "unlock_what": (
        "Dites quoi débloquer : un compte ou une adresse.",
        "Say what to unlock: an account or an address.",
    ),
    "role_unknown": ("Choisissez un rôle de la liste.", "Choose a role from the list."),
    "username_invalid": (
        "Identifiant refusé : lettres sans accent, chiffres et . @ + - _ seulement, 150 au plus.",
        "User name refused: unaccented letters, digits and . @ + - _ only, 150 at most.",
    ),
    "password_refused": ("Mot de passe refusé : {rules}", "Password refused: {rules}"),
    "password_current_wrong": (
        "Le mot de passe actuel n'est pas le bon ; tapez celui avec lequel vous vous êtes connecté.",
        "The current password is wrong; type the one you signed in with.",
    ),
    "password_mismatch": (
        "Les deux nouveaux mots de passe diffèrent ; tapez le même deux fois.",
        "The two new passwords differ; type the same one twice.",
    ),
    "password_unchanged": (
        "Le nouveau mot de passe est l'ancien ; choisissez-en un autre.",
        "The new password is the old one; choose another.",
    ),
    "change_password_title": ("Choisir votre mot de passe", "Choose your password"),
    "change_password_why": (
        "Ce compte a un mot de passe provisoire, affiché à son lancement : choisissez le vôtre avant de "
        "continuer.",
        "This account has a provisional password, printed when it was started: choose your own before "
        "going on.",
    ),
    "current_password": ("Mot de passe actuel", "Current password"),
    "new_password_again": ("Nouveau mot de passe, encore", "New password, again"),
    "change_password": ("Changer de mot de passe", "Change password"),
    "password_too_short": ("il faut au moins 10 caractères.", "it needs at least 10 characters."),
    "password_too_common": ("il est trop courant.", "it is too common."),
    "password_too_similar": ("il ressemble trop à l'identifiant.", "it is too close to the user name."),
    # validation of forms and uploads
    "field_too_long": (
        "Un champ dépasse {limit} caractères : raccourcissez-le.",
        "A field is longer than {limit} characters: shorten it.",
    ),
    "due_out_of_range": (
        "Échéance hors limites : donnez une date entre {first} et {last}.",
        "Due time out of range: give a date between {first} and {last}.",
    ),
    "lang_unknown": ("Langue inconnue : choisissez fr ou en.", "Unknown language: choose fr or en."),
    "map_too_large": (
        "Fichier de cartographie trop gros ({megabytes} Mo au plus).",
        "The map file is too large ({megabytes} MB at most).",
    ),
    "map_not_utf8": (
        "Le fichier de cartographie n'est pas du texte UTF-8 : enregistrez-le en UTF-8 depuis un éditeur de texte.",
        "The map file is not UTF-8 text: save it as UTF-8 from a text editor.",
    ),
    "bad_request": (
        "Requête illisible : rechargez la page et recommencez.",
        "Unreadable request: reload the page and try again.",
    ),
}

# What each journal entry's name means to a reader (the entry itself keeps the id).
_EVENTS: dict[str, tuple[str, str]] = {
    "incident.opened": ("Incident ouvert", "Incident opened"),
    "hit.declared": ("Déclaré touché", "Declared hit"),
    "hit.lifted": ("Déclaration levée (rétabli)", "Declaration lifted (restored)"),
    "isolation.confirmed": ("Isolement confirmé", "Isolation confirmed"),
    "task.started": ("Tâche commencée", "Task started"),
    "task.done": ("Tâche terminée", "Task done"),
    "plan.made": ("Plan recalculé", "Plan made"),
    "return.set": ("Date de retour attendue", "Expected return time"),
    "note.added": ("Note", "Note"),
    "decision.added": ("Décision", "Decision"),
    "action.created": ("Action créée", "Action created"),
    "action.status": ("Action mise à jour", "Action updated"),
    "sitrep.made": ("Point de situation", "Situation report"),
    "login": ("Connexion", "Signed in"),
    "logout": ("Déconnexion", "Signed out"),
    "login.failed": ("Connexion refusée", "Sign-in refused"),
    "user.added": ("Compte créé", "Account created"),
    "user.password_set": ("Mot de passe remplacé", "Password replaced"),
    "journal.keyed": ("Main courante scellée par clé", "Journal sealed with a key"),
    "user.disabled": ("Compte désactivé", "Account disabled"),
    "user.enabled": ("Compte réactivé", "Account enabled"),
    "user.password_reset": ("Mot de passe changé par un administrateur", "Password set by an administrator"),
    "user.password_changed": ("Mot de passe changé par son titulaire", "Password changed by its holder"),
    "login.locked": ("Connexion bloquée (trop d'échecs)", "Sign-in locked (too many failures)"),
    "login.unlocked": ("Connexion débloquée", "Sign-in unlocked"),
    "identity.decided": ("Identité d'un numéro dégradé décidée", "Identity of a downtime number decided"),
    "paper.typed": ("Fiche papier saisie", "Paper form typed"),
}

# The names of the journal's payload fields as the journal page shows them (the entry keeps the key).
_PAYLOAD_KEYS: dict[str, tuple[str, str]] = {
    "map_sha256": ("empreinte_carto", "map_sha256"),
    "kind": ("type", "kind"),
    "target": ("cible", "target"),
    "plan": ("plan", "plan"),
    "objective": ("objectif", "objective"),
    "node": ("élément", "node"),
    "team": ("équipe", "team"),
    "hours": ("heures", "hours"),
    "sitrep": ("point", "report"),
    "lang": ("langue", "language"),
    "activity": ("activité", "activity"),
    "activities": ("activités", "activities"),
    "role": ("rôle", "role"),
    "note": ("note", "note"),
    "sha256": ("empreinte", "sha256"),
    "action": ("action", "action"),
    "owner": ("responsable", "owner"),
    "status": ("état", "status"),
    "day": ("jour", "day"),
    "unit": ("unité", "unit"),
    "decision": ("décision", "decision"),
    "count": ("nombre", "count"),
    "user": ("compte", "account"),
    "username": ("compte", "account"),
    "address": ("adresse", "address"),
    "records": ("enregistrements", "records"),
    "downtime_id": ("numéro_dégradé", "downtime_id"),
    "patient": ("patient", "patient"),
    "entry": ("saisie", "entry"),
}

# The words of situation reports belong to the application layer, which composes them; the pages
# use them too.
_TEXTS.update(SITREP_TEXTS)
MESSAGES = {key: {"fr": fr, "en": en} for key, (fr, en) in _TEXTS.items()}
EVENTS = {key: {"fr": fr, "en": en} for key, (fr, en) in _EVENTS.items()}
register("crisis", MESSAGES)  # type: ignore[arg-type]
register("crisis_events", EVENTS)  # type: ignore[arg-type]
PAYLOAD_KEYS = {key: {"fr": fr, "en": en} for key, (fr, en) in _PAYLOAD_KEYS.items()}
register("crisis_payload", PAYLOAD_KEYS)  # type: ignore[arg-type]
