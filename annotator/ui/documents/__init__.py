"""The document list: a lazy model over the store and the widget around it."""
