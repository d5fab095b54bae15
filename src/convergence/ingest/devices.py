"""Finding the registered asset a message speaks for, a whole batch at a time.

A device is named by its DevEUI, its OCPP id, its serial number or its asset id, looked up
among the assets of the sender's member only: a device of another member is as unknown as a
device nobody registered (and nothing says which it is).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from sqlalchemy import Connection

from convergence.db.driver import any_of, fetch_tuples, is_postgres, read_json

# Public functions that read members' rows without a scope (by plain SQL), and why.
UNSCOPED = {
    "resolve_devices": "the pipeline looks devices up among the assets of the authenticated "
    "sender's member only (platform-wide identifiers when no member is bound)",
}
HEX16 = re.compile(r"^[0-9A-F]{16}$")
DeviceKey = tuple[int | None, str]  # (member id, device reference)


class Device(NamedTuple):
    """A registered asset able to send data, with what decodes and maps its payloads (a tuple:
    every batch finds its devices again, and a frozen dataclass costs several times more)."""

    asset_id: int
    member_id: int
    dev_eui: str | None
    serial: str | None
    ocpp_id: str | None
    device_model_id: int | None
    codec: str | None
    field_map: Mapping[str, Any] = MappingProxyType({})


@lru_cache(maxsize=4096)  # asked for each reference of every batch, twice
def dev_eui_form(ref: str) -> str | None:
    """``ref`` written as a DevEUI (16 upper-case hex digits), if it is one."""
    text = ref.replace("-", "").replace(":", "").strip().upper()
    return text if HEX16.match(text) else None


def resolve_devices(conn: Connection, keys: Iterable[DeviceKey]) -> dict[DeviceKey, Device]:
    """The device of each (member, reference); a key without a device is absent.

    With no member (a network server's MQTT feed not tied to an integration), only the
    platform-wide identifiers count: DevEUI and OCPP id.
    """
    by_member: dict[int | None, set[str]] = defaultdict(set)
    for member_id, ref in keys:
        by_member[member_id].add(ref)
    found: dict[DeviceKey, Device] = {}
    for member_id, refs in by_member.items():
        index = _Index([_device(row) for row in _rows(conn, member_id, refs)])
        for ref in refs:
            match = index.find(ref, member_bound=member_id is not None)
            if match is not None:
                found[(member_id, ref)] = match
    return found


class _Index:
    """Devices by each identifier; the most specific identifier wins."""

    def __init__(self, devices: list[Device]) -> None:
        self.by_eui = {d.dev_eui: d for d in devices if d.dev_eui}
        self.by_ocpp = {d.ocpp_id: d for d in devices if d.ocpp_id}
        self.by_serial = {d.serial: d for d in devices if d.serial}
        self.by_id = {str(d.asset_id): d for d in devices}

    def find(self, ref: str, *, member_bound: bool) -> Device | None:
        eui = dev_eui_form(ref)
        found = (self.by_eui.get(eui) if eui else None) or self.by_ocpp.get(ref)
        if found is None and member_bound:
            found = self.by_serial.get(ref) or self.by_id.get(ref)
        return found


_SELECT = (
    "SELECT a.id, a.member_id, a.dev_eui, a.serial, a.ocpp_id, a.device_model_id, m.codec, "
    "m.field_map FROM assets a LEFT JOIN device_models m ON a.device_model_id = m.id WHERE "
)


def _rows(conn: Connection, member_id: int | None, refs: set[str]) -> list[tuple[Any, ...]]:
    """The assets that may be meant by ``refs`` (plain driver SQL: it runs for every batch)."""
    euis = sorted({eui for ref in refs if (eui := dev_eui_form(ref))})
    texts = sorted(refs)
    conditions: list[str] = []
    params: list[Any] = []
    columns: list[tuple[str, list[Any]]] = [("a.ocpp_id", texts), ("a.dev_eui", euis)]
    for column, values in columns:
        if values:
            condition, values_params = any_of(conn, column, values)
            conditions.append(condition)
            params += values_params
    if member_id is not None:
        ids = sorted({int(ref) for ref in refs if ref.isdigit() and len(ref) <= 9})
        member_columns: list[tuple[str, list[Any]]] = [("a.serial", texts), ("a.id", ids)]
        for column, values in member_columns:
            if values:
                condition, values_params = any_of(conn, column, values)
                conditions.append(condition)
                params += values_params
    if not conditions:
        return []
    where = f"({' OR '.join(conditions)})"
    if member_id is not None:
        where = f"a.member_id = {'%s' if is_postgres(conn) else '?'} AND {where}"
        params.insert(0, member_id)
    return fetch_tuples(conn, _SELECT + where, params)


def _device(row: tuple[Any, ...]) -> Device:
    asset_id, member_id, dev_eui, serial, ocpp_id, device_model_id, codec, field_map = row
    return Device(
        asset_id=asset_id,
        member_id=member_id,
        dev_eui=dev_eui,
        serial=serial,
        ocpp_id=ocpp_id,
        device_model_id=device_model_id,
        codec=codec,
        field_map=read_json(field_map) or {},
    )
