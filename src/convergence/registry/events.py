"""What the registry tells the rest of the platform when equipment is registered.

The registry sits below ingestion: it never replays messages itself. The composition root
(``convergence.runtime``) gives the use cases its listeners — the replay of what unknown
devices sent before they were registered among them — and they run in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class Registered:
    """Equipment a member just registered: one asset, or a whole import (``asset_id`` None)."""

    member_id: int
    asset_id: int | None = None
    dev_eui: str | None = None
    serial: str | None = None
    ocpp_id: str | None = None


RegistryListener = Callable[[Connection, Registered], None]


def announce(conn: Connection, listeners: Sequence[RegistryListener], event: Registered) -> None:
    """Tell every listener, in the caller's transaction."""
    for listener in listeners:
        listener(conn, event)
