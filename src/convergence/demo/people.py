"""The demo's members, users and ingest tokens, created through the members services.

Every step finds what a previous run created (members by SIREN, users by e-mail, tokens by
the secret kept in ``demo.json``) and creates only what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from convergence.demo.catalogue import (
    COMMUNES,
    DEMO_ACTOR,
    DEMO_PASSWORD,
    DEPARTEMENTS,
    EPCI_KEY,
    EPCI_SIREN,
    OPERATOR_KEY,
    OPERATOR_NAME,
    OPERATOR_SIREN,
    USERS,
    DemoUser,
    departement_key,
)
from convergence.errors import NotAuthenticated
from convergence.members.roles import MemberKind, Role, ShareLevel, TokenScope
from convergence.members.schemas import MemberCreate, TokenCreate, UserCreate
from convergence.members.service import DEPARTEMENT_SIRENS, create_member, create_user
from convergence.members.tables import members, users
from convergence.members.tokens import create_token, use_token
from convergence.territory.reference import load_territory

MemberIds = Mapping[str, int]  # member key (operator, epci, dep-78, INSEE code) → member id


@dataclass(frozen=True, slots=True)
class Login:
    """A demo login as printed at start."""

    email: str
    password: str
    role: Role
    member_name: str


def member_definitions() -> dict[str, MemberCreate]:
    """Every demo member by key: the operator, the two départements, the EPCI, the communes."""
    territory = load_territory()
    found = {
        OPERATOR_KEY: MemberCreate(
            siren=OPERATOR_SIREN, name=OPERATOR_NAME, kind=MemberKind.operator
        ),
        EPCI_KEY: MemberCreate(
            siren=EPCI_SIREN, name=territory.epci(EPCI_SIREN).name, kind=MemberKind.epci
        ),
    }
    for code in DEPARTEMENTS:
        name = f"Département {territory.departement(code).name}"
        found[departement_key(code)] = MemberCreate(
            siren=DEPARTEMENT_SIRENS[code], name=name, kind=MemberKind.departement
        )
    for demo in COMMUNES:
        place = territory.commune(demo.insee)
        found[demo.insee] = MemberCreate(
            siren=place.siren,
            name=place.name,
            kind=MemberKind.commune,
            insee=place.insee,
            share_level=ShareLevel.aggregates,
        )
    return found


def ensure_members(conn: Connection) -> dict[str, int]:
    """The id of every demo member, created when missing."""
    wanted = member_definitions()
    sirens = [data.siren for data in wanted.values()]
    rows = conn.execute(select(members.c.siren, members.c.id).where(members.c.siren.in_(sirens)))
    existing: dict[str, int] = {row.siren: row.id for row in rows}
    ids: dict[str, int] = {}
    for key, data in wanted.items():
        if data.siren not in existing:
            existing[data.siren] = create_member(conn, data=data, actor=DEMO_ACTOR).id
        ids[key] = existing[data.siren]
    return ids


def ensure_users(
    engine: Engine, member_ids: MemberIds, *, advance: Callable[[int], None] | None = None
) -> list[Login]:
    """Every demo user (one transaction each: an argon2 hash takes a while)."""
    with engine.connect() as conn:
        known = set(conn.execute(select(users.c.email)).scalars().all())
    for user in USERS:
        if user.email not in known:
            with engine.begin() as conn:
                create_user(
                    conn, member_id=member_ids[user.member_key], data=_user_data(user),
                    actor=DEMO_ACTOR,
                )  # fmt: skip
        if advance is not None:
            advance(1)
    return demo_logins()


def _user_data(user: DemoUser) -> UserCreate:
    return UserCreate(
        email=user.email, role=user.role, password=DEMO_PASSWORD, full_name=user.full_name
    )


def demo_logins() -> list[Login]:
    """The logins to print, in the catalogue's order."""
    names = {key: data.name for key, data in member_definitions().items()}
    return [Login(u.email, DEMO_PASSWORD, u.role, names[u.member_key]) for u in USERS]


def ensure_tokens(
    conn: Connection, member_ids: MemberIds, *, kept: Mapping[str, str]
) -> dict[str, str]:
    """An ingest token per commune: the kept secret while it still works, else a new one."""
    tokens: dict[str, str] = {}
    for demo in COMMUNES:
        secret = kept.get(demo.insee)
        if secret is None or not _token_works(conn, secret, member_ids[demo.insee]):
            data = TokenCreate(name="démo : capteurs", scopes=[TokenScope.ingest, TokenScope.read])
            created = create_token(
                conn, member_id=member_ids[demo.insee], data=data, actor=DEMO_ACTOR
            )
            secret = created.secret
        tokens[demo.insee] = secret
    return tokens


def _token_works(conn: Connection, secret: str, member_id: int) -> bool:
    try:
        return use_token(conn, secret=secret).member_id == member_id
    except NotAuthenticated:
        return False
