"""Sets of the registry: asset kinds and statuses, domains, initiative statuses.

Domains and asset kinds are open: besides the core's (``Domain``, ``AssetKind``), every
installed service line adds its name as a domain and the asset kinds it declares. Fields
typed ``DomainName`` and ``AssetKindName`` accept exactly those.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from convergence.servicelines import ServiceLineConflict, service_lines


class AssetKind(StrEnum):
    sensor = "sensor"
    counter = "counter"
    luminaire = "luminaire"
    lighting_cabinet = "lighting_cabinet"
    charge_point = "charge_point"
    camera = "camera"
    gateway = "gateway"
    other = "other"


class AssetStatus(StrEnum):
    planned = "planned"
    installed = "installed"
    active = "active"
    faulty = "faulty"
    retired = "retired"


class Domain(StrEnum):
    air = "air"
    noise = "noise"
    traffic = "traffic"
    water = "water"
    lighting = "lighting"
    charging = "charging"
    video = "video"
    network = "network"
    other = "other"


class InitiativeStatus(StrEnum):
    idea = "idea"
    planned = "planned"
    procurement = "procurement"
    deploying = "deploying"
    operating = "operating"


class NetworkTechnology(StrEnum):
    lorawan = "lorawan"
    nbiot = "nbiot"
    sigfox = "sigfox"
    cellular = "cellular"
    fibre = "fibre"
    wifi = "wifi"
    wired = "wired"
    other = "other"


def known_domains() -> list[str]:
    """The core's domains, then each installed service line not among them."""
    core = [domain.value for domain in Domain]
    return core + [name for name in service_lines().names() if name not in core]


def known_asset_kinds() -> list[str]:
    """The core's asset kinds, then those the installed service lines declare."""
    core = [kind.value for kind in AssetKind]
    for line in service_lines():
        for kind in line.asset_kinds:
            if kind.name in core:
                msg = f"service line {line.name!r} declares the core asset kind {kind.name!r}"
                raise ServiceLineConflict(
                    msg, lines=[line.name], what="asset kind", value=kind.name
                )
    return core + [kind.name for line in service_lines() for kind in line.asset_kinds]


def _one_of(value: str, known: list[str]) -> str:
    # The error pydantic gives for an enum, so that an open set reads like a closed one.
    if value not in known:
        quoted = [repr(k) for k in known]
        expected = f"{', '.join(quoted[:-1])} or {quoted[-1]}" if len(quoted) > 1 else quoted[0]
        raise PydanticCustomError("enum", "Input should be {expected}", {"expected": expected})
    return value


def check_domain(value: str) -> str:
    """``value`` if it is a known domain, else pydantic's enum error listing the known ones."""
    return _one_of(value, known_domains())


def check_asset_kind(value: str) -> str:
    """``value`` if it is a known asset kind, else pydantic's enum error listing them."""
    return _one_of(value, known_asset_kinds())


DomainName = Annotated[str, AfterValidator(check_domain)]
AssetKindName = Annotated[str, AfterValidator(check_asset_kind)]
