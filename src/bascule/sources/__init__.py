"""Adapters that bring clinical data into the continuity store.

    fhir_source.py   the FHIR source port (FhirSource) and its httpx adapter: paging, retries, auth
    fhir_fields.py   defensive reading of FHIR JSON fields (errors name fields, never values)
    fhir_records.py  FHIR R4 resource -> clinical record (the one place that knows FHIR shapes)
    fhir_export.py   clinical record -> FHIR R4 resource (the inverse; `bascule snapshot export`)
    fhir_pull.py     a refresh from a FHIR server: staged in memory, applied in one transaction
    intake.py        what a refresh reads: records, skipped types, rejects, doubts, versions, times
    bulk.py          FHIR bulk data: NDJSON files in (streamed, one transaction) and out
    hl7_messages.py  HL7 v2 ADT A01-A04/A08/A11-A13 and ORU^R01 -> records, and ACK/NAK (python-hl7)
    hl7_segments.py  HL7 v2 text: separators an MSH declares, character sets, escapes, timestamps
    hl7_adt.py       PID (who), PV1 (where, which stay), AL1 (allergies) and the ADT events
    hl7_results.py   ORU^R01 OBX results: value types, comparators, flags, corrections, deletions
    hl7_listener.py  the MLLP server of the live feed (one event loop: the single writer)
    synthetic/       the fictional hospital used by the demo, the tests and the benchmarks

With the store and the downtime tools, these modules are the only ones that read patient records.
They log resource types, ids and reasons, never patient values.
"""
