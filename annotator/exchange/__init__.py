"""Import and export as the command line and the window both run them:
files in through a format reader into the store (`importing`), records out of
the store through a selection into a format writer (`exporting`)."""

from annotator.exchange.base import ExchangeError, Progress
from annotator.exchange.exporting import (
    STDOUT, TRAINING_STATUSES, ExportCancelled, ExportChoice, ExportReport, choose_export, database_files, export,
    export_to_stream,
)
from annotator.exchange.importing import (
    SPOOL_CHUNK, ImportReport, SchemaNeeds, check_import_paths, complete_schema, import_files, read_files,
)

__all__ = [
    "ExchangeError", "ExportCancelled", "ExportChoice", "ExportReport", "ImportReport", "Progress", "SPOOL_CHUNK",
    "STDOUT", "SchemaNeeds", "TRAINING_STATUSES", "check_import_paths", "choose_export", "complete_schema",
    "database_files", "export", "export_to_stream", "import_files", "read_files",
]
