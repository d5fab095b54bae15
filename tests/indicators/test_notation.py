"""Codes written for people: pollutants as chemists write them, noise bands in words."""

from __future__ import annotations

from convergence.indicators.noise import NoiseIndicator, exposure_band
from convergence.indicators.notation import band_words, pollutant


def test_pollutants_are_written_as_chemists_write_them() -> None:
    assert [pollutant(c) for c in ("pm25", "PM10", "no2", "o3", "so2")] == [
        "PM2,5", "PM10", "NO₂", "O₃", "SO₂",
    ]  # fmt: skip


def test_noise_bands_are_written_in_words() -> None:
    lden = NoiseIndicator.LDEN
    assert band_words(exposure_band(lden, 65.0)) == "de 65 à 70 dB(A)"
    assert band_words(exposure_band(lden, 80.0)) == "75 dB(A) ou plus"
    assert band_words(exposure_band(lden, 40.0)) == "moins de 55 dB(A)"
    assert band_words(None) == "—"
