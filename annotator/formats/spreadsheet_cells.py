"""CSV records that no spreadsheet runs as formulas.

Cells a spreadsheet would run as a formula (starting with =, +, -, @, tab or
carriage return) are written with a leading apostrophe, so opening an export
of someone's article text can never run anything. Spreadsheets in many
locales split on `;` or a tab rather than `,`, and do not see our quotes
there (they open mid-cell): so within a cell, every part after a `;`, `,`,
tab or line break that starts with = + - @ gets the apostrophe too
(`x;=1+1` is written `"x;'=1+1"`), and a cell holding `;` or a tab is quoted.

A module of its own (registering no format), so that the agreement report's
CSV can use it without changing which formats are registered first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_QUOTED_FOR = (",", '"', "\r", "\n", ";", "\t")
"""What makes a cell quoted: Python's csv module quotes the first four; `;`
and tab are the separators of other spreadsheets."""

_FORMULA_AFTER_SEPARATOR = re.compile(r"([;,\t\r\n] *)(?=[=+\-@])")


def neutralise(cell: object) -> object:
    if not isinstance(cell, str):
        return cell
    cell = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", cell)
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def csv_line(cells: Iterable[object], end: str = "\r\n") -> str:
    """One CSV record as `csv.writer` writes it, but with every cell that holds
    a separator of any spreadsheet quoted, and formulas neutralised."""
    out = []
    for cell in cells:
        text = "" if cell is None else str(neutralise(cell))
        if any(mark in text for mark in _QUOTED_FOR):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out) + end
