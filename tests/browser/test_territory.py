"""The elected officials of a département and of an EPCI, and the operator, read their
territory: every commune with its state, the alerts of all of them, a report of the whole."""

from __future__ import annotations

import re

import pypdf
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from convergence.demo.build import Demo
from convergence.members.tables import member_communes, members
from convergence.territory.reference import load_territory
from tests.browser.login import Login

pytestmark = pytest.mark.browser

ELECTED_YVELINES = "elu@yvelines.demo.fr"
ELECTED_EPCI = "elu@versaillesgrandparc.demo.fr"
OPERATOR = "admin@syndicat.demo.fr"
# The first visit computes every commune's key figures (kept five minutes afterwards).
COLD_PAGE_MS = 60_000


def open_territory(page: Page, log_in: Login, email: str) -> None:
    """Log in as ``email`` and open the dashboard, which sends a territory to its own."""
    log_in(page, email, then="/alertes")
    page.goto("/tableau-de-bord", timeout=COLD_PAGE_MS)


def member_communes_of(demo: Demo, name: str) -> list[str]:
    """Names of the member communes covered by the member called ``name``."""
    with demo.engine.connect() as conn:
        member_id = conn.execute(select(members.c.id).where(members.c.name == name)).scalar_one()
        covered = select(member_communes.c.commune_insee).where(
            member_communes.c.member_id == member_id
        )
        codes = conn.execute(
            select(members.c.insee).where(members.c.kind == "commune", members.c.insee.in_(covered))
        ).scalars()
        return sorted(load_territory().commune(c).name for c in codes)


def listed_states(page: Page) -> dict[str, str]:
    rows = page.locator("table.territory-table tbody tr")
    names = rows.locator("th").all_inner_texts()
    states = rows.locator("td:nth-child(2)").all_inner_texts()
    return {n.strip(): s.strip() for n, s in zip(names, states, strict=True)}


def test_the_departement_sees_every_commune_and_the_flood_of_one(
    page: Page, demo: Demo, log_in: Login
) -> None:
    open_territory(page, log_in, ELECTED_YVELINES)

    expect(page).to_have_url(re.compile(r"/tableau-de-bord/territoire$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Département Yvelines")
    states = listed_states(page)
    assert sorted(states) == member_communes_of(demo, "Département Yvelines")
    assert all(states.values()), states
    alerts = page.locator("#alertes + div table")
    expect(alerts).to_contain_text("Mantes-la-Jolie")
    expect(alerts).to_contain_text("Eau et crues")
    # The Seine's flood reaches the red level at Mantes: a critical alert for the département.
    assert states["Mantes-la-Jolie"] == "Alerte critique en cours"
    # The map colours each commune of the département: the outlines are drawn.
    expect(page.locator("#carte")).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d+$"))
    expect(page.locator("#carte path.leaflet-interactive").first).to_be_visible()


def test_the_epci_drills_down_to_a_commune(page: Page, demo: Demo, log_in: Login) -> None:
    open_territory(page, log_in, ELECTED_EPCI)

    states = listed_states(page)
    assert sorted(states) == member_communes_of(demo, "CA Versailles Grand Parc (CAVGP)")
    page.locator("table.territory-table").get_by_role("link", name="Versailles").click()

    expect(page).to_have_url(re.compile(r"/tableau-de-bord\?commune=78646$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Versailles")


def test_the_operator_s_report_covers_the_territory(page: Page, log_in: Login) -> None:
    open_territory(page, log_in, OPERATOR)
    states = listed_states(page)
    assert len(states) == 10  # the ten communes of the demo
    assert "Mantes-la-Jolie" in states

    with page.expect_download(timeout=COLD_PAGE_MS) as download_info:
        page.locator("#rapports + ul a").last.click()
    reader = pypdf.PdfReader(download_info.value.path())
    text = "\n".join(p.extract_text() for p in reader.pages)

    assert "Aucune commune avec des équipements" not in text
    for name in ("Versailles", "Mantes-la-Jolie", "Boulogne-Billancourt", "Antony"):
        assert name in text
