"""What the store raises: one base class the CLI and the window turn into a message."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the database that the user must be told about."""


class NewerDatabaseError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class ReadOnlyDatabaseError(StoreError):
    pass


class LabelInUseError(StoreError):
    def __init__(self, label: str, count: int):
        super().__init__(
            f"label {label!r} is used by {count} annotation(s): choose whether to delete them or relabel them"
        )
        self.label = label
        self.count = count


class ImportCancelled(StoreError):
    def __init__(self, done: int):
        super().__init__(f"import cancelled after {done} document(s); nothing was added")
