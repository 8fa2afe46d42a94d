"""Labelling entities: the article text, its highlights, the label keys and palette, the span table and panel, and their undo commands."""
