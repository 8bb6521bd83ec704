"""The downtime station's viewer: a read-only screen on the newest verified bundle, for the ward at
3 a.m. when everything else is down (find the patient, read allergies, drugs and results, print).

`library` holds the opened bundle and swaps in a newer one from the inbox; `chart_page` turns a
chart into what the screen and the JSON API show; `web` is the WSGI face (login, pages, API);
`server` runs it on 127.0.0.1 with no network needed.
"""
