"""The embedded demo hospital (a fictional French general hospital) and its attack scenarios."""
