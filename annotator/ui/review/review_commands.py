"""Undo commands for review: one per decision written into the gold layer.

A decision is applied through `annotator.gold.apply_settlement`, which
writes gold and the decision log in one transaction; undo reverses it with
`undo_decision`, which also logs the undo, so the log always tells what
happened. Redo applies the same settlement again as a new decision.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.gold import AppliedDecision, apply_settlement, undo_decision
from annotator.review.adjudication import Settlement
from annotator.store import Store

CHOICE_WORDS = {"take": "Take", "both": "Take both", "none": "Take none", "edit": "Edit", "accept": "Accept agreed"}


class SettleDifference(QUndoCommand):
    """Write one settlement (a difference's choice, or all agreed spans) into gold."""

    def __init__(self, store: Store, settlement: Settlement, reviewer: str,
                 after: Callable[[], None] | None = None) -> None:
        whose = f" {settlement.sources[0]}" if settlement.choice == "take" and settlement.sources else ""
        super().__init__(f"{CHOICE_WORDS.get(settlement.choice, settlement.choice)}{whose}")
        self._store, self.settlement, self._reviewer = store, settlement, reviewer
        self._after = after or (lambda: None)
        self.applied: AppliedDecision | None = None

    def redo(self) -> None:
        self.applied = apply_settlement(self._store, self.settlement, self._reviewer)
        self._after()

    def undo(self) -> None:
        if self.applied is not None:
            undo_decision(self._store, self.applied, self._reviewer)
            self.applied = None
        self._after()
