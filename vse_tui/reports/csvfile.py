"""The one CSV writer of the project. A spreadsheet takes a cell that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return as a formula; such a cell is written with a leading `'` (OWASP's
advice for CSV injection), so that it opens as the text it was. Control characters are shown
visibly. Numbers stay numbers."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from ..core.kernel.text import visible

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return visible(text)


def write_csv(out: IO[str], header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> None:
    """Write `header` and `rows` to `out` as CSV, every cell made safe."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(_flat(v)) for v in row])


def _flat(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


__all__ = ["safe_cell", "write_csv", "FORMULA_STARTS"]
