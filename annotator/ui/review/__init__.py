"""Review: comparing layers on one document, settling differences into gold, the agreement report."""
