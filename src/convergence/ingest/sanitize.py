"""Making untrusted text storable: PostgreSQL refuses NUL characters and lone surrogates."""

from __future__ import annotations

from typing import Any


def clean_text(text: str, limit: int | None = None) -> str:
    """``text`` without NUL characters or unpaired surrogates, cut to ``limit`` characters."""
    cleaned = text.replace("\x00", "\ufffd")
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:
        cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    return cleaned if limit is None else cleaned[:limit]


def clean_json(value: Any) -> Any:
    """A JSON value whose strings (keys included) are all storable."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return None
    return value
