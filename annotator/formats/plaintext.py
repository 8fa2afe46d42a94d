"""Plain-text articles: one document per UTF-8 file."""

from __future__ import annotations

from pathlib import Path

from annotator.formats.base import FormatError
from annotator.formats.reading import read_text, title_from_text


class ArticleError(FormatError):
    """A file that cannot be read as an article; the message names the file
    (a FormatError, so every reader's caller handles it the same way)."""


def read_article(path: Path) -> tuple[str, str]:
    """(title, text) of a plain-text article.

    The text is kept exactly as stored (line ends included) so that offsets
    other tools computed on the same file stay valid; only a UTF-8 byte-order
    mark is dropped. The title is the first non-empty line, else the file name.
    """
    path = Path(path)
    try:
        text = read_text(path)
    except FormatError as exc:
        raise ArticleError(exc.path, exc.reason, exc.line) from exc
    if not text.strip():
        raise ArticleError(path, "is empty")
    title = title_from_text(text) or path.stem
    return title, text


def article_files(paths: list[Path]) -> list[Path]:
    """The files named, with folders expanded to the .txt files inside them."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        else:
            files.append(path)
    return files
