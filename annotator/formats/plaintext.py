"""Plain-text articles: one document per UTF-8 file."""

from __future__ import annotations

from pathlib import Path

from annotator.formats.base import FormatError


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
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(path, f"cannot be read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ArticleError(path, f"is not UTF-8 (byte {exc.start})", line) from exc
    if not text.strip():
        raise ArticleError(path, "is empty")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first[:120] if first else path.stem
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
