"""Bascule: keep a hospital caring for patients while its IT is down."""
