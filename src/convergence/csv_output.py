"""The one CSV writer of the platform: cells a spreadsheet would run as formulas are defused.

A name or tag such as ``=HYPERLINK("https://evil", "clic")`` or ``@SUM(1+1)*cmd|' /C calc'!A0``
typed by one user runs as a formula in the spreadsheet of whoever opens the export (CSV
injection). OWASP's rule: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with a single quote, which spreadsheets show as text.

Numbers are left alone, so numeric columns stay numbers: a Python int or float, and a text
cell that reads as a plain number (``-12.5``, ``+33144276350``, ``1e-3``), cannot run anything.
``restore_cell`` undoes the prefix, so an exported file imports back unchanged.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# A signed number, with spaces, dots or commas as separators, and an optional exponent.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d .,]*(?:[eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet will show it as text, never run it."""
    if cell.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(cell):
        return QUOTE + cell
    return cell


def restore_cell(cell: str) -> str:
    """The value ``neutralise`` was given (a quote before a trigger is taken away)."""
    if cell.startswith(QUOTE) and cell[1:].startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(value)
    return value  # numbers, None and booleans are written by csv as they are


class SafeWriter:
    """``csv.writer`` whose text cells go through ``neutralise``."""

    def __init__(self, out: TextIO, *, lineterminator: str = "\n", delimiter: str = ",") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator, delimiter=delimiter)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """``csv.DictWriter`` whose text cells go through ``neutralise``."""

    def __init__(
        self, out: TextIO, *, fieldnames: Sequence[str], lineterminator: str = "\n"
    ) -> None:
        self._writer = SafeWriter(out, lineterminator=lineterminator)
        self.fieldnames = list(fieldnames)

    def writeheader(self) -> None:
        self._writer.writerow(self.fieldnames)

    def writerow(self, row: Mapping[str, Any]) -> None:
        extra = set(row) - set(self.fieldnames)
        if extra:
            raise ValueError(f"cells outside the header: {sorted(extra)}")
        self._writer.writerow(row.get(name, "") for name in self.fieldnames)
