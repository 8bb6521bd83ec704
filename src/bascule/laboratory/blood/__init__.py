"""The blood bank in downtime: units, their movements (the legal traceability chain), stock and
emergency group-O issue (issue 19, point 4)."""
