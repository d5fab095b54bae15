"""MQTT topics: which format a message is in, and which member it belongs to.

- ChirpStack v4: ``application/{application_id}/device/{dev_eui}/event/{event}``
- The Things Stack v3: ``v3/{application_id}@{tenant_id}/devices/{device_id}/{event}``
- the generic scheme: ``convergence/{member_siren}/{device}/up``, a native body

A network server's application belongs to a member through an integration; without one,
its devices are looked up by DevEUI across the platform (the broker's ACL is the gate).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, select

from convergence.ingest.envelope import Source
from convergence.ingest.service import application_routes
from convergence.members.tables import members

GENERIC_ROOT = "convergence"


def default_topics(root: str = GENERIC_ROOT) -> tuple[str, ...]:
    """The uplink topics of ChirpStack, The Things Stack and the generic scheme."""
    return ("application/+/device/+/event/up", "v3/+/devices/+/up", f"{root}/+/+/up")


@dataclass(frozen=True, slots=True)
class Route:
    """What a topic says about its messages."""

    source: Source
    event: str = "up"
    application: str | None = None
    siren: str | None = None
    device_ref: str | None = None


def route(topic: str, *, root: str = GENERIC_ROOT) -> Route:
    """The route of ``topic``; an unknown topic is read as the generic scheme without device."""
    parts = topic.split("/")
    if len(parts) == 6 and parts[0] == "application" and parts[2:5:2] == ["device", "event"]:
        return Route(Source.chirpstack, event=parts[5], application=parts[1])
    if len(parts) == 5 and parts[0] == "v3" and parts[2] == "devices":
        return Route(Source.tts, event=parts[4], application=parts[1])
    if len(parts) == 4 and parts[0] == root and parts[3] == "up" and parts[2]:
        return Route(Source.mqtt, siren=parts[1], device_ref=parts[2])
    return Route(Source.mqtt)


class MemberDirectory:
    """Members by SIREN and by network-server application, reloaded every ``ttl_s`` seconds."""

    def __init__(
        self, engine: Engine, *, ttl_s: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._engine = engine
        self._ttl_s = ttl_s
        self._clock = clock
        self._loaded_at: float | None = None
        self._sirens: dict[str, int] = {}
        self._applications: dict[tuple[Source, str], int] = {}

    def member_of(self, found: Route) -> int | None:
        """The member a routed message belongs to, if the topic or an integration says so."""
        self._refresh()
        if found.siren is not None:
            return self._sirens.get(found.siren)
        if found.application is None:
            return None
        application = found.application
        return self._applications.get((found.source, application)) or self._applications.get(
            (found.source, application.split("@", 1)[0])
        )

    def _refresh(self) -> None:
        now = self._clock()
        if self._loaded_at is not None and now - self._loaded_at < self._ttl_s:
            return
        with self._engine.connect() as conn:
            self._applications = application_routes(conn)
            self._sirens = {
                r.siren: r.id for r in conn.execute(select(members.c.siren, members.c.id))
            }
        self._loaded_at = now
