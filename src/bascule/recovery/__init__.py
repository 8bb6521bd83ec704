"""Restoration: the order and the teams that bring care back fastest (contract 3). Pure: no I/O."""

from bascule.recovery.plan import Plan, PlannedTask, ProcessEta, plan

__all__ = ["Plan", "PlannedTask", "ProcessEta", "plan"]
