"""Codes people read in words: pollutants as chemists write them, noise bands in full.

The API keeps its codes (``pm25``, ``[65;70[``); pages and reports write ``PM2,5`` and
« de 65 à 70 dB(A) ».
"""

from __future__ import annotations

from typing import Protocol

POLLUTANTS = {
    "pm25": "PM2,5",
    "pm10": "PM10",
    "no2": "NO₂",
    "o3": "O₃",
    "so2": "SO₂",
    "co": "CO",
    "co2": "CO₂",
}


class Band(Protocol):
    @property
    def lower(self) -> float | None: ...
    @property
    def upper(self) -> float | None: ...


def pollutant(code: str) -> str:
    """« PM2,5 », « NO₂ »… for a pollutant code of the API (``pm25``, ``no2``)."""
    return POLLUTANTS.get(code.lower(), code.upper())


def band_words(band: Band | None, unit: str = "dB(A)") -> str:
    """A noise exposure band in words: « de 65 à 70 dB(A) », « 75 dB(A) ou plus »."""
    if band is None:
        return "—"
    if band.lower is None:
        return f"moins de {band.upper:g} {unit}"
    if band.upper is None:
        return f"{band.lower:g} {unit} ou plus"
    return f"de {band.lower:g} à {band.upper:g} {unit}"
