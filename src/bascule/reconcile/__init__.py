"""Reconciliation of what was done on paper during an outage with the record (issue 16).

registration.py   a downtime registration: who a ward admitted under a downtime number   (pure)
interchange.py    the JSON Lines interchange format of registrations (read, write)    (adapter)
comparison.py     one registration against one stored patient, field by field         (pure)
linkage.py        Fellegi-Sunter weights, blocking, candidates and their probability  (pure)
decision.py       auto / review / new, with the hard cases that block an automatic merge (pure)
match.py          the use-case: match_registrations(registrations, patients)           (application)
testset.py        a generated matching test set with ground truth (tests and the bench)
writeback.py      entries as FHIR R4 transaction bundles or HL7 v2.5 messages, resend-safe  (pure)
sending.py        the use-case send(store, target, now) and its FHIR and MLLP receivers (adapters)
"""
