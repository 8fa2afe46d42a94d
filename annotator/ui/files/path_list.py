"""The list of files and folders an import or a merge will read."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QListWidget


class PathList(QListWidget):
    def add(self, paths: list[str | Path]) -> None:
        for path in paths:
            self.addItem(str(path))

    def chosen(self) -> list[Path]:
        return [Path(self.item(i).text()) for i in range(self.count())]
