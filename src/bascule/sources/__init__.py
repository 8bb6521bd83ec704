"""Adapters that bring clinical data in: FHIR R4 (REST pull, bulk NDJSON), HL7 v2 over MLLP, and the
synthetic hospital. They are the only modules, with the store, that read patient records; they log
resource types and ids, never patient values."""
