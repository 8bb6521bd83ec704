"""The laboratory and the blood bank in downtime (issue 19)."""
