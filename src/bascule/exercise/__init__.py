"""Exercises: scripts that play an attack on the hospital map, their runs and after-action reports."""
