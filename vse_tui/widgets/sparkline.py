"""A one-line bar chart drawn with block characters, readable without colour."""

from __future__ import annotations

BLOCKS = " ▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    if not values:
        return ""
    top = max(values) or 1
    return "".join(BLOCKS[0 if v == 0 else max(1, round(v / top * (len(BLOCKS) - 1)))] for v in values)
