"""French numbers, amounts and dates: decimal comma, narrow no-break spaces, Paris time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from convergence import french_format as fr

N = "\u202f"  # narrow no-break space


def test_numbers_have_a_decimal_comma_and_narrow_spaces_between_thousands() -> None:
    assert fr.number(12345.6) == f"12{N}345,6"
    assert fr.number(1234567.891, 2) == f"1{N}234{N}567,89"
    assert fr.number(999.0, 0) == "999"
    assert fr.number(None) == "—"
    assert fr.number(1234.5, 1, space=" ") == "1 234,5"


def test_compact_numbers_drop_trailing_zeros_and_use_a_true_minus() -> None:
    assert fr.compact(3.420) == "3,42"
    assert fr.compact(12.0) == "12"
    assert fr.compact(-1.5) == "−1,5"
    assert fr.compact(0.0005, 3) == "0,001"
    assert fr.compact(2345.25) == f"2{N}345,25"


def test_whole_numbers_and_amounts() -> None:
    assert fr.thousands(96000) == f"96{N}000"
    assert fr.euros(Decimal("96000.4")) == f"96{N}000 €"
    assert fr.euros(Decimal("1234567.5")) == f"1{N}234{N}568 €"  # half up
    assert fr.euros(Decimal("1250.5"), cents=True) == f"1{N}250,50 €"
    assert fr.euros(None) == "—"
    assert fr.cents(125000) == f"1{N}250,00 €"
    assert fr.cents(5) == "0,05 €"
    assert fr.price(Decimal("45000.50")) == f"45{N}000,50 €"
    assert fr.price(Decimal("45000")) == f"45{N}000 €"
    assert fr.price(None) == "—"


def test_percentages_take_a_narrow_space_before_the_sign() -> None:
    assert fr.percent(0.35) == f"35{N}%"
    assert fr.with_unit(97.5, "%") == f"97,5{N}%"
    assert fr.with_unit(24.1, "µg/m³") == "24,1 µg/m³"
    assert fr.signed_percent(12) == f"+12{N}%"
    assert fr.signed_percent(-3) == f"−3{N}%"


def test_dates_and_times_are_read_in_paris() -> None:
    assert fr.day(date(2026, 11, 28)) == "28/11/2026"
    assert fr.long_day(date(2026, 11, 28)) == "samedi 28 novembre 2026"
    assert fr.month(2026, 3) == "mars 2026"
    # 29 March 2026, 01:30 UTC is 03:30 summer time; 25 October, 01:30 UTC is 02:30 winter time.
    assert fr.when(datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) == "29/03/2026 à 03:30"
    assert fr.local_time(datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == "25/10/2026 02:30"
    assert fr.clock(datetime(2026, 10, 24, 23, 5, tzinfo=UTC)) == "01:05"
    assert fr.local_time(None) == "—"


def test_pdf_text_trades_narrow_spaces_for_no_break_spaces() -> None:
    assert fr.without_narrow_spaces(fr.cents(125000)) == "1\u00a0250,00 €"
