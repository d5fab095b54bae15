"""Test territory: real members, users and tokens created through the services."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine

from convergence.members import service, tokens
from convergence.members.roles import MemberKind, Role, ShareLevel, TokenScope
from convergence.members.schemas import MemberCreate, TokenCreate, UserCreate
from convergence.registry.events import RegistryListener
from convergence.runtime import Runtime
from convergence.settings import Environment, Settings

PASSWORD = "correct horse battery staple"
VERSAILLES_TOWN_HALL = (2.1301, 48.8049)
BOULOGNE_TOWN_HALL = (2.2399, 48.8353)


@dataclass
class MemberFixture:
    id: int
    key: str
    name: str
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)  # scope name -> secret
    users: dict[Role, str] = field(default_factory=dict)  # role -> e-mail

    def bearer(self, scope: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[scope]}"}

    def user(self, role: Role) -> str:
        """The e-mail of this member's user with ``role``, created on first use.

        Users are created lazily: an argon2 hash takes about half a second here.
        """
        if role not in self.users:
            email = f"{role.value}@{self.key}.example.fr"
            with self.engine.begin() as conn:
                service.create_user(
                    conn,
                    member_id=self.id,
                    actor="test",
                    data=UserCreate(
                        email=email, role=role, password=PASSWORD, full_name=role.value
                    ),
                )
            self.users[role] = email
        return self.users[role]


@dataclass
class Territory:
    operator: MemberFixture
    versailles: MemberFixture
    boulogne: MemberFixture
    epci: MemberFixture

    @property
    def all(self) -> list[MemberFixture]:
        return [self.operator, self.versailles, self.boulogne, self.epci]


MEMBER_DATA = {
    "operator": MemberCreate(
        siren="257800013", name="Syndicat numérique", kind=MemberKind.operator
    ),
    "versailles": MemberCreate(
        siren="217806462",
        name="Versailles",
        kind=MemberKind.commune,
        insee="78646",
        share_level=ShareLevel.aggregates,
    ),
    "boulogne": MemberCreate(
        siren="219200128", name="Boulogne-Billancourt", kind=MemberKind.commune, insee="92012"
    ),
    "epci": MemberCreate(siren="247800584", name="CA Versailles Grand Parc", kind=MemberKind.epci),
}
ROLES = {
    "operator": [Role.operator_admin],
    "versailles": [Role.member_admin, Role.technician, Role.elected, Role.viewer],
    "boulogne": [Role.member_admin, Role.technician, Role.elected, Role.viewer],
    "epci": [Role.member_admin, Role.viewer],
}


def build_territory(engine: Engine) -> Territory:
    """Create the test members and one token per scope for each."""
    fixtures = {}
    with engine.begin() as conn:
        for key, data in MEMBER_DATA.items():
            member = service.create_member(conn, data=data, actor="test")
            fixture = MemberFixture(id=member.id, key=key, name=member.name, engine=engine)
            for scope in TokenScope:
                fixture.tokens[scope.value] = tokens.create_token(
                    conn,
                    member_id=member.id,
                    actor="test",
                    data=TokenCreate(name=f"{key} {scope}", scopes=[scope]),
                ).secret
            fixtures[key] = fixture
    return Territory(**fixtures)


@contextmanager
def registering(engine: Engine) -> Iterator[tuple[Connection, tuple[RegistryListener, ...]]]:
    """A transaction and the registry listeners of a platform process (``Runtime``): what a
    device sent before it was registered is replayed, as through the API or the CLI."""
    settings = Settings(environment=Environment.test, secret_key=secrets.token_urlsafe(48))
    runtime = Runtime.build(settings, engine=engine)
    try:
        with runtime.begin() as conn:
            yield conn, runtime.registry_listeners
    finally:
        runtime.close()


def another_writer_may_write(engine: Engine) -> bool:
    """Another writer, on SQLite: takes the write lock without waiting, or fails."""
    if engine.dialect.name != "sqlite":
        return True
    other = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()
    return True
