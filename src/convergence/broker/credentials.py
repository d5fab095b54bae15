"""Credentials the platform issues on its broker: one login per member device or gateway.

A member's logins share one role, ``member-<SIREN>``, whose ACLs allow publishing only under
the member's own topics: ``convergence/<SIREN>/+/up`` and the topics of its network-server
integrations (``application/<id>/#`` for ChirpStack, ``v3/<id>/#`` for The Things Stack).
Everything else is refused by the plugin (MQTT 5 clients get « not authorised »), so a
message under another member's topic never reaches the ingest workers. The role is rewritten
from the database at each issue, so new integrations are granted by issuing (or ``sync``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from convergence.broker.dynsec import BrokerRefused, Dynsec
from convergence.errors import Conflict, InvalidInput, NotFound
from convergence.ingest.schemas import IntegrationKind
from convergence.ingest.service import list_integrations
from convergence.ingest.topics import GENERIC_ROOT
from convergence.members import audit
from convergence.members.queries import find_member, get_member
from convergence.members.scope import MemberScope, require_admin, require_write

LABEL = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MEMBER_USERNAME = re.compile(r"^(\d{9})-([a-z0-9][a-z0-9-]{0,39})$")
# A topic level an ACL may name literally: no wildcard, no separator, no $ prefix.
LITERAL_LEVEL = re.compile(r"^[^/+#$\x00][^/+#\x00]{0,199}$")


@dataclass(frozen=True, slots=True)
class Issued:
    """A login just created; its password is shown once and kept only hashed by the broker."""

    username: str
    password: str
    member_id: int
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BrokerLogin:
    """A member login as the broker lists it."""

    username: str
    siren: str
    label: str
    disabled: bool


def role_name(siren: str) -> str:
    return f"member-{siren}"


def member_topics(
    conn: Connection, *, scope: MemberScope, member_id: int, root: str = GENERIC_ROOT
) -> tuple[str, ...]:
    """The topics a member's logins may publish under (its own, nothing else)."""
    member = get_member(conn, member_id=member_id)
    topics = [f"{root}/{member.siren}/+/up"]
    prefixes = {IntegrationKind.chirpstack: "application", IntegrationKind.tts: "v3"}
    for integration in list_integrations(conn, scope=scope):
        prefix = prefixes.get(integration.kind)
        if integration.member_id != member_id or prefix is None:
            continue
        for application in integration.config.application_ids:
            if LITERAL_LEVEL.match(application):  # a wildcard here would open other topics
                topics.append(f"{prefix}/{application}/#")
    return tuple(dict.fromkeys(topics))


def sync_role(dynsec: Dynsec, *, siren: str, topics: tuple[str, ...]) -> None:
    """Make the member's role grant exactly ``topics`` (created when missing)."""
    name = role_name(siren)
    try:
        current = dynsec.command("getRole", rolename=name).get("role", {})
    except BrokerRefused:
        dynsec.command("createRole", rolename=name, acls=[_publish(t) for t in topics])
        return
    granted = {(a.get("acltype"), a.get("topic")) for a in current.get("acls", [])}
    wanted = {("publishClientSend", t) for t in topics}
    for acltype, topic in granted - wanted:
        dynsec.command("removeRoleACL", rolename=name, acltype=acltype, topic=topic)
    for _, topic in sorted(wanted - granted):
        dynsec.command("addRoleACL", rolename=name, **_publish(topic))


def _publish(topic: str) -> dict[str, Any]:
    return {"acltype": "publishClientSend", "topic": topic, "allow": True}


def issue(
    conn: Connection, dynsec: Dynsec, *, scope: MemberScope, member_id: int, label: str
) -> Issued:
    """Create a login for one of the member's devices or gateways; audited."""
    require_admin(scope)
    require_write(scope, member_id)
    if not LABEL.match(label):
        raise InvalidInput(
            f"nom de connexion invalide {label!r} : lettres minuscules, chiffres et tirets "
            f"(40 au plus) / invalid login name {label!r}: lowercase letters, digits, dashes"
        )
    member = get_member(conn, member_id=member_id)
    topics = member_topics(conn, scope=scope, member_id=member_id)
    sync_role(dynsec, siren=member.siren, topics=topics)
    username, password = f"{member.siren}-{label}", secrets.token_urlsafe(32)
    try:
        dynsec.command(
            "createClient",
            username=username,
            password=password,
            textname=f"{member.name} ({label})",
            roles=[{"rolename": role_name(member.siren)}],
        )
    except BrokerRefused as refused:
        raise Conflict(
            f"l'identifiant {username} existe déjà : révoquez-le ou choisissez un autre --name / "
            f"the login {username} already exists ({refused.message})"
        ) from None
    audit.record(
        conn,
        actor=scope.actor,
        action="broker.credentials.issue",
        member_id=member_id,
        target=f"mqtt:{username}",
        details={"topics": list(topics)},
    )
    return Issued(username, password, member_id, topics)


def revoke(conn: Connection, dynsec: Dynsec, *, scope: MemberScope, username: str) -> int:
    """Delete a member's login (the broker disconnects it at once); its member's id."""
    found = MEMBER_USERNAME.match(username)
    if found is None:
        raise NotFound(f"no member login is named {username!r}")
    member_id = find_member(conn, ref=found.group(1)).id
    require_admin(scope)
    require_write(scope, member_id)
    try:
        dynsec.command("deleteClient", username=username)
    except BrokerRefused:
        raise NotFound(f"the broker has no login named {username!r}") from None
    audit.record(
        conn,
        actor=scope.actor,
        action="broker.credentials.revoke",
        member_id=member_id,
        target=f"mqtt:{username}",
    )
    return member_id


def sync_all(conn: Connection, dynsec: Dynsec, *, scope: MemberScope) -> dict[str, tuple[str, ...]]:
    """Rewrite the role of every member that has a login (after integrations changed)."""
    require_admin(scope)
    synced: dict[str, tuple[str, ...]] = {}
    for siren in sorted({login.siren for login in list_logins(dynsec)}):
        member_id = find_member(conn, ref=siren).id
        require_write(scope, member_id)
        synced[siren] = member_topics(conn, scope=scope, member_id=member_id)
        sync_role(dynsec, siren=siren, topics=synced[siren])
    return synced


def list_logins(dynsec: Dynsec) -> list[BrokerLogin]:
    """The member logins on the broker (the platform's own accounts left out)."""
    data = dynsec.command("listClients", verbose=True, count=-1, offset=0)
    logins = []
    for client in data.get("clients", []):
        found = MEMBER_USERNAME.match(str(client.get("username", "")))
        if found:
            disabled = bool(client.get("disabled", False))
            logins.append(BrokerLogin(found.group(0), found.group(1), found.group(2), disabled))
    return sorted(logins, key=lambda login: login.username)
