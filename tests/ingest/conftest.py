"""Fixtures of the ingestion tests: device models with codecs, registered sensors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.members.scope import command_line_scope
from convergence.registry import service
from convergence.registry.schemas import AssetCreate, DeviceModelCreate
from convergence.settings import Settings
from convergence.web.app import create_app
from tests.ingest.payloads import DL_MBX_EUI, ERS_CO2_EUI
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, Territory, registering


@dataclass(frozen=True)
class Sensors:
    ers_co2: int  # Versailles, Elsys ERS CO2 (codec "elsys")
    dl_mbx: int  # Versailles, Decentlab DL-MBX (codec "decentlab-dl-mbx")
    noise: int  # Versailles, serial "SONO-01", no model
    boulogne_noise: int  # Boulogne, serial "SONO-92"
    elsys_model: int


def register(engine: Engine, member_id: int, **fields: object) -> int:
    """Register an asset of ``member_id`` at its town hall, as the platform's processes do
    (what it sent before being known is replayed)."""
    lon, lat = BOULOGNE_TOWN_HALL if fields.pop("boulogne", False) else VERSAILLES_TOWN_HALL
    data = AssetCreate.model_validate(
        {"member_id": member_id, "kind": "sensor", "lon": lon, "lat": lat} | fields
    )
    with registering(engine) as (conn, listeners):
        scope = command_line_scope()
        return service.create_asset(conn, scope=scope, data=data, listeners=listeners).id


def device_model(engine: Engine, vendor: str, model: str, codec: str) -> int:
    with engine.begin() as conn:
        data = DeviceModelCreate(vendor=vendor, model=model, domain="air", codec=codec)
        return service.register_device_model(conn, data=data, actor="test").id


@pytest.fixture
def sensors(engine: Engine, territory: Territory) -> Sensors:
    elsys = device_model(engine, "elsys", "ers-co2", "elsys")
    decentlab = device_model(engine, "decentlab", "dl-mbx", "decentlab-dl-mbx")
    versailles, boulogne = territory.versailles.id, territory.boulogne.id
    return Sensors(
        ers_co2=register(
            engine, versailles, name="ERS CO2", dev_eui=ERS_CO2_EUI, device_model_id=elsys
        ),
        dl_mbx=register(
            engine, versailles, name="DL-MBX", dev_eui=DL_MBX_EUI, device_model_id=decentlab
        ),
        noise=register(engine, versailles, name="Sonomètre", serial="SONO-01", domain="noise"),
        boulogne_noise=register(
            engine, boulogne, name="Sonomètre 92", serial="SONO-92", boulogne=True
        ),
        elsys_model=elsys,
    )


@pytest.fixture
def make_client(engine: Engine, settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """A client of an application with some settings changed (limits, rates)."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        changed = settings.model_copy(update=overrides)
        client = TestClient(create_app(changed, engine=engine))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
