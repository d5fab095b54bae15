"""Frames too deeply nested to parse: refused before the JSON parser overflows Python's stack.

A 100,000-deep ``[[[[…`` frame made ``json.loads`` raise ``RecursionError``, which the ``ocpp``
library does not catch: the connection died with an unhandled error. OCPP messages nest a few
levels; anything deeper than ``MAX_DEPTH`` is replaced by a text that is not JSON, which the
library refuses as a format violation and the connection goes on.
"""

from __future__ import annotations

MAX_DEPTH = 64
REFUSED_FRAME = "frame refused: nested deeper than 64 levels"


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when brackets outside strings nest deeper than ``limit``."""
    if text.count("[") + text.count("{") <= limit:
        return False  # the usual frame: too few brackets to be too deep
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def bounded(text: str) -> str:
    """The frame, or a non-JSON text when it nests too deep."""
    return REFUSED_FRAME if too_deep(text) else text
