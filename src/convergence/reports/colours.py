"""Colours of indicator classes, and the text colour that stays readable on each (RGAA 3.2)."""

from __future__ import annotations

NEUTRAL = "#666666"


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour(background: str | None) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    if not background:
        return "#ffffff"
    return (
        "#1e1e1e"
        if contrast(background, "#1e1e1e") >= contrast(background, "#ffffff")
        else "#ffffff"
    )


def text_class(background: str | None) -> str:
    """The CSS class of a badge on ``background``: ``badge-light`` (dark text) or ``badge-dark``."""
    return "badge-light" if text_colour(background) == "#1e1e1e" else "badge-dark"


# Local flood levels, in the colours people know from Vigicrues (the words are always shown).
WATER_COLOURS: dict[str, str] = {
    "vert": "#27a658",
    "jaune": "#ffe552",
    "orange": "#ff9940",
    "rouge": "#e1000f",
}
