"""The crisis cell's web application (Django + vendored htmx): incidents, live board, restoration,
journal, actions and situation reports. `runtime.configure()` must run before Django is used."""
