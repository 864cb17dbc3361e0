"""Multi-valued cells: values joined with ``; ``, a literal ``;`` escaped as ``\\;``.

Sources are written ``citation <url>``; either part may be missing (a citation that ends in
``>`` and has no URL is written ``citation <>``, so it is never mistaken for one).
"""

from __future__ import annotations

SEPARATOR = "; "


def join(values: list[str]) -> str:
    if not values:
        return ""
    if len(values) == 1 and ";" not in values[0] and "\\" not in values[0]:
        return values[0]
    return SEPARATOR.join(v.replace("\\", "\\\\").replace(";", "\\;") for v in values)


def split(cell: str) -> list[str]:
    """The values of a cell (empty cell: none). Inverse of :func:`join`."""
    if not cell.strip():
        return []
    out, current, escaped = [], [], False
    i = 0
    while i < len(cell):
        ch = cell[i]
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ";":
            out.append("".join(current))
            current = []
            if cell[i + 1 : i + 2] == " ":
                i += 1
        else:
            current.append(ch)
        i += 1
    out.append("".join(current))
    return [v.strip() for v in out if v.strip()]


def format_source(citation: str, url: str | None) -> str:
    """``citation <url>``; a citation without URL that itself ends in ``>`` gets ``<>``."""
    if url and citation:
        return f"{citation} <{url}>"
    if url:
        return f"<{url}>"
    return f"{citation} <>" if citation.endswith(">") else citation


def parse_source(value: str) -> tuple[str, str | None]:
    """``(citation, url)`` from ``citation <url>``, ``<url>`` or ``citation``."""
    value = value.strip()
    if value.endswith(">"):
        if value.startswith("<") and value.count("<") == 1:
            return "", value[1:-1].strip() or None
        head, sep, tail = value.rpartition(" <")
        if sep:
            return head.strip(), tail[:-1].strip() or None
    return value, None
