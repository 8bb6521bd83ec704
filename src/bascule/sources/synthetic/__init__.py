"""The synthetic hospital: a deterministic, realistic and entirely fictional set of patients."""
