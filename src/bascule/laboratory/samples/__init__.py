"""Samples tracked on paper and barcode, and results without the laboratory system (issue 19):
the sample's number (numbers), its states and transport runs (sample, runs), the results entered
at the lab or taken by phone (results), kept in the continuity store (store) through the
use-cases of `log`."""
