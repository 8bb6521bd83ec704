"""A downtime station that believes only what the crisis cell signed, fresh, and never rolled back.

    DIR/inbox/              bundles arrive here (snapshot watch --copy-to DIR/inbox, a share, a USB key)
    DIR/.station/           private (0700): state.json (pinned keys, highest sequence and sealing
                            time accepted per key, quarantine list), identity.age, and copy/, the
                            station's own copy of the newest bundle it accepted

`state` reads and writes the private folder, `trust` checks a bundle against the pinned keys, and
`check` picks the newest bundle that verifies.
"""
