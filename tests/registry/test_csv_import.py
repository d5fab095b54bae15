"""CSV import of equipment: all or nothing, each bad row reported with its line and reason."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from convergence.errors import InvalidInput
from convergence.members.scope import command_line_scope
from convergence.registry import csv_io
from convergence.registry.queries import iter_assets
from convergence.registry.schemas import AssetFilters
from convergence.registry.tables import assets
from convergence.territory.geometry import commune_centroid
from tests.support import Territory

HEADER = "name,kind,domain,status,lon,lat,dev_eui,serial,tags\n"


def versailles_rows(count: int, seed: int = 7) -> list[str]:
    """``count`` valid rows of sensors scattered around Versailles' centroid."""
    rng = random.Random(seed)
    lon, lat = commune_centroid("78646")
    return [
        f"Capteur {i},sensor,air,active,{lon + rng.uniform(-0.004, 0.004):.6f},"
        f"{lat + rng.uniform(-0.003, 0.003):.6f},{i:016X},SN-{i},air|école\n"
        for i in range(count)
    ]


def count_assets(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(assets)).scalar_one())


def run_import(engine: Engine, territory: Territory, text: str) -> csv_io.ImportReport:
    with engine.begin() as conn:
        return csv_io.import_assets(
            conn, scope=command_line_scope(), data=text.encode(), member_id=territory.versailles.id
        )


def test_ten_thousand_rows_with_three_bad_ones_report_exactly_those_and_write_nothing(
    engine: Engine, territory: Territory
) -> None:
    rows = versailles_rows(10_000)
    rows[99] = rows[99].replace(",sensor,", ",toaster,")  # line 101: unknown kind
    rows[4_999] = "Hors territoire,sensor,air,active,2.3522,48.8566,,,\n"  # line 5001: Paris
    rows[9_998] = rows[0].replace("Capteur 0", "Doublon")  # line 10000: DevEUI of line 2
    report = run_import(engine, territory, HEADER + "".join(rows))
    lines = [error.line for error in report.errors]
    assert lines == [101, 5001, 10000]
    assert "kind" in report.errors[0].reason
    assert "outside Yvelines (78) and Hauts-de-Seine (92)" in report.errors[1].reason
    assert report.errors[2].reason == (
        "dev_eui 0000000000000000 already appears on line 2; serial SN-0 already appears on line 2"
    )
    assert report.imported == 0
    assert count_assets(engine) == 0


def test_the_corrected_file_imports_in_one_go(engine: Engine, territory: Territory) -> None:
    report = run_import(engine, territory, HEADER + "".join(versailles_rows(10_000)))
    assert (report.ok, report.rows, report.imported) == (True, 10_000, 10_000)
    assert count_assets(engine) == 10_000
    with engine.connect() as conn:
        communes = set(conn.execute(select(assets.c.commune_insee).distinct()).scalars())
    assert communes == {"78646"}


def test_a_registered_dev_eui_is_refused_on_import(engine: Engine, territory: Territory) -> None:
    rows = versailles_rows(2)
    assert run_import(engine, territory, HEADER + rows[0]).ok
    report = run_import(engine, territory, HEADER + "".join(rows))
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "dev_eui 0000000000000000 is already registered; serial SN-0 is already registered")
    ]


def test_french_spreadsheets_with_semicolons_and_decimal_commas_import(
    engine: Engine, territory: Territory
) -> None:
    text = "nom;type;statut;longitude;latitude\nLanterne 1;luminaire;installed;2,1301;48,8049\n"
    report = run_import(engine, territory, text)
    assert report.ok, report.errors
    assert count_assets(engine) == 1


def test_an_unknown_column_is_named_with_the_expected_ones(
    engine: Engine, territory: Territory
) -> None:
    with pytest.raises(InvalidInput, match=r"colour.*expected columns"):
        run_import(engine, territory, "name,kind,colour\nx,sensor,red\n")


def test_an_export_imports_back_identically(engine: Engine, territory: Territory) -> None:
    assert run_import(engine, territory, HEADER + "".join(versailles_rows(50))).ok
    with engine.connect() as conn:
        exported = csv_io.export_assets(
            iter_assets(conn, scope=command_line_scope(), filters=AssetFilters())
        )
    with engine.begin() as conn:
        conn.execute(assets.delete())
    assert run_import(engine, territory, exported).imported == 50


def test_the_export_from_sql_rows_is_the_text_of_the_export_from_models(
    engine: Engine, territory: Territory
) -> None:
    """Dates, decimals, empty cells, tags and formula-like names: the same text either way."""
    lon, lat = commune_centroid("78646")
    text = (
        "name,kind,domain,status,lon,lat,serial,installed_on,cost_eur,tags\n"
        f'"=HYPERLINK(""https://evil"")",sensor,air,active,{lon},{lat},SN-1,2024-03-01,'
        "1234.5,-moins|@arobase\n"
        "Armoire,lighting_cabinet,lighting,planned,,,,,,\n"
    )
    assert run_import(engine, territory, text).ok
    scope, filters = command_line_scope(), AssetFilters()
    with engine.connect() as conn:
        from_models = csv_io.export_assets(iter_assets(conn, scope=scope, filters=filters))
        from_rows = csv_io.export_selection(conn, scope=scope, filters=filters)
    assert "'=HYPERLINK" in from_rows
    assert "2024-03-01,1234.50,-moins|@arobase" in from_rows.replace("'", "")
    assert from_rows == from_models


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=5),
    header=st.sampled_from(["name,kind,lon,lat", "nom;type;longitude;latitude", ""]),
)
def test_arbitrary_csv_gives_a_report_or_a_declared_error(
    engine: Engine, territory: Territory, rows: list[list[str]], header: str
) -> None:
    delimiter = ";" if ";" in header else ","
    text = header + "\n" + "\n".join(delimiter.join(r) for r in rows)
    try:
        report = run_import(engine, territory, text)
    except InvalidInput:
        return
    assert report.ok or report.imported == 0
    assert all(error.reason for error in report.errors)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lon=st.floats(allow_nan=True, allow_infinity=True),
    lat=st.floats(allow_nan=True, allow_infinity=True),
)
def test_arbitrary_coordinates_give_an_import_or_a_reason(
    engine: Engine, territory: Territory, lon: float, lat: float
) -> None:
    report = run_import(engine, territory, f"name,kind,lon,lat\nx,sensor,{lon},{lat}\n")
    if not report.ok:
        assert report.errors[0].line == 2
        assert report.errors[0].reason
    with engine.begin() as conn:
        conn.execute(assets.delete())


def test_a_refused_cell_is_explained_in_french_then_in_english(
    engine: Engine, territory: Territory
) -> None:
    text = HEADER + "Capteur,toaster,air,active,2.1301,abc,,,\n"
    [error] = run_import(engine, territory, text).errors
    french, english = error.reason.split(" / ", 1)
    assert french.startswith("kind : « toaster » n'est pas une valeur possible (")
    assert "lat : « abc » n'est pas un nombre" in french
    assert "kind: Input should be" in english
