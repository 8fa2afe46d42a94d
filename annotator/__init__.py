"""annotator: label entities and facts in news articles and turn them into training data."""

__version__ = "0.1.0"
