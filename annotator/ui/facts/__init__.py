"""Facts: linking a fact to its arguments (keys, mouse, role picker), the arcs over the text, the fact panel and table, their undo commands."""
