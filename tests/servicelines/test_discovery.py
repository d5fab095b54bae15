"""Service lines are found through their entry points, in a stable order, checked together."""

from __future__ import annotations

import pytest

from convergence.errors import InvalidInput
from convergence.servicelines import (
    AssetKindSpec,
    DomainPage,
    QuantitySpec,
    ServiceLine,
    ServiceLineConflict,
    ServiceLines,
    service_lines,
)

BUILT_IN = ["air", "noise", "traffic", "water", "lighting", "charging"]


def test_the_built_in_lines_come_through_the_entry_points_in_their_order() -> None:
    names = service_lines().names()
    assert names[: len(BUILT_IN)] == BUILT_IN or [n for n in names if n in BUILT_IN] == BUILT_IN


def test_lines_are_ordered_by_order_then_name() -> None:
    lines = ServiceLines(
        [
            ServiceLine("zeta", "Zêta", order=1),
            ServiceLine("beta", "Bêta"),
            ServiceLine("alpha", "Alpha"),
        ]
    )
    assert lines.names() == ["zeta", "alpha", "beta"]


@pytest.mark.parametrize(
    ("first", "second", "what"),
    [
        (ServiceLine("video", "Vidéo"), ServiceLine("video", "Vidéoprotection"), "name"),
        (
            ServiceLine("video", "Vidéo", asset_kinds=(AssetKindSpec("camera_x", "Caméra"),)),
            ServiceLine("maint", "Maintenance", asset_kinds=(AssetKindSpec("camera_x", "C"),)),
            "asset kind",
        ),
        (
            ServiceLine("video", "V", quantities=(QuantitySpec("fps", "Images", "1/s", 0, 120),)),
            ServiceLine(
                "maint", "M", quantities=(QuantitySpec("rate", "R", "1/s", 0, 9, aliases=("FPS",)),)
            ),
            "quantity",
        ),
        (
            ServiceLine("video", "V", page=DomainPage("/video", "Vidéo", "…")),
            ServiceLine("maint", "M", page=DomainPage("/video", "Maintenance", "…")),
            "page",
        ),
    ],
)
def test_two_lines_claiming_the_same_thing_is_a_named_error(
    first: ServiceLine, second: ServiceLine, what: str
) -> None:
    with pytest.raises(ServiceLineConflict) as caught:
        ServiceLines([first, second])
    assert caught.value.details["what"] == what
    assert "both claim" in caught.value.message


@pytest.mark.parametrize("name", ["", "Air", "a", "air quality", "x" * 21, "1air"])
def test_a_line_name_must_fit_the_domain_column(name: str) -> None:
    with pytest.raises(InvalidInput):
        ServiceLine(name, "Un nom")


def test_a_line_needs_a_french_label() -> None:
    with pytest.raises(InvalidInput, match="no French label"):
        ServiceLine("video", " ")


def test_an_unknown_line_names_the_known_ones() -> None:
    with pytest.raises(Exception, match="known: air"):
        service_lines().get("nope")
