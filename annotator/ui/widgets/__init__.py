"""Pieces every room shares: plain-text strings, the undo stack that saves each step, background work, key bindings, small widgets."""
