"""Suggestions: drawn over the text, accepted or rejected, trained off the window thread, the learning curve."""
