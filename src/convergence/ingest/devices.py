"""Finding the registered asset a message speaks for, a whole batch at a time.

A device is named by its DevEUI, its OCPP id, its serial number or its asset id, looked up
among the assets of the sender's member only: a device of another member is as unknown as a
device nobody registered (and nothing says which it is).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, false, or_, select

from convergence.registry.tables import assets, device_models

HEX16 = re.compile(r"^[0-9A-F]{16}$")
DeviceKey = tuple[int | None, str]  # (member id, device reference)


@dataclass(frozen=True, slots=True)
class Device:
    """A registered asset able to send data, with what decodes and maps its payloads."""

    asset_id: int
    member_id: int
    dev_eui: str | None
    serial: str | None
    ocpp_id: str | None
    device_model_id: int | None
    codec: str | None
    field_map: Mapping[str, Any] = field(default_factory=dict)


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
        index = _Index([_device(row) for row in conn.execute(_query(member_id, refs))])
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


def _query(member_id: int | None, refs: set[str]) -> Any:
    euis = sorted({eui for ref in refs if (eui := dev_eui_form(ref))})
    texts = sorted(refs)
    conditions: list[ColumnElement[bool]] = [assets.c.ocpp_id.in_(texts)]
    if euis:
        conditions.append(assets.c.dev_eui.in_(euis))
    query = select(
        assets.c.id,
        assets.c.member_id,
        assets.c.dev_eui,
        assets.c.serial,
        assets.c.ocpp_id,
        assets.c.device_model_id,
        device_models.c.codec,
        device_models.c.field_map,
    ).select_from(assets.outerjoin(device_models, assets.c.device_model_id == device_models.c.id))
    if member_id is None:
        return query.where(or_(*conditions))
    ids = sorted({int(ref) for ref in refs if ref.isdigit() and len(ref) <= 9})
    conditions.append(assets.c.serial.in_(texts))
    conditions.append(assets.c.id.in_(ids) if ids else false())
    return query.where(assets.c.member_id == member_id, or_(*conditions))


def _device(row: Row[Any]) -> Device:
    return Device(
        asset_id=row.id,
        member_id=row.member_id,
        dev_eui=row.dev_eui,
        serial=row.serial,
        ocpp_id=row.ocpp_id,
        device_model_id=row.device_model_id,
        codec=row.codec,
        field_map=row.field_map or {},
    )
