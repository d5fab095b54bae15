"""What the demo creates: members, people, equipment in its communes, projects, proposals."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from convergence.alerts.tables import alert_rules
from convergence.coordination.tables import proposal_members, proposals
from convergence.db.types import utcnow
from convergence.demo.build import Demo
from convergence.demo.catalogue import COMMUNE_CODES, DEMO_PASSWORD, catalogue_models
from convergence.maintenance.queries import list_contracts, list_tickets
from convergence.members.login import attempt_login
from convergence.members.roles import MemberKind, Role
from convergence.members.scope import command_line_scope
from convergence.members.tables import members, users
from convergence.members.tokens import use_token
from convergence.registry.tables import assets, device_models, initiatives
from convergence.territory.geometry import resolve_communes
from convergence.video import queries as video_queries
from convergence.video.requisitions import list_requisitions


def test_members_are_the_operator_two_departements_an_epci_and_ten_communes(built: Demo) -> None:
    with built.engine.connect() as conn:
        kinds = Counter(conn.execute(select(members.c.kind)).scalars())
        communes = set(conn.execute(select(members.c.insee).where(members.c.insee.isnot(None))))
    assert kinds == {
        MemberKind.operator: 1,
        MemberKind.departement: 2,
        MemberKind.epci: 1,
        MemberKind.commune: 10,
    }
    assert {row[0] for row in communes} == set(COMMUNE_CODES)


def test_every_role_has_a_user_who_logs_in_with_the_printed_password(built: Demo) -> None:
    with built.engine.connect() as conn:
        roles = Counter(Role(r) for r in conn.execute(select(users.c.role)).scalars())
    assert set(roles) == set(Role)
    assert roles[Role.elected] >= 10  # one per commune at least
    assert len(built.logins) == sum(roles.values())
    with built.engine.begin() as conn:
        user = attempt_login(
            conn,
            email="elu@versailles.demo.fr",
            password=DEMO_PASSWORD,
            address="127.0.0.1",
            now=utcnow(),
        )
    assert user is not None
    assert user.role is Role.elected


def test_each_commune_has_a_working_ingest_token(built: Demo) -> None:
    assert set(built.state.tokens) == set(COMMUNE_CODES)
    with built.engine.begin() as conn:
        owners = {
            insee: use_token(conn, secret=s).member_id for insee, s in built.state.tokens.items()
        }
    assert owners == {insee: built.member_ids[insee] for insee in COMMUNE_CODES}


def test_about_600_assets_stand_inside_their_own_commune(built: Demo) -> None:
    with built.engine.connect() as conn:
        rows = conn.execute(
            select(assets.c.lon, assets.c.lat, assets.c.commune_insee, members.c.insee).join(
                members, members.c.id == assets.c.member_id
            )
        ).all()
    assert 550 <= len(rows) <= 650
    resolved = resolve_communes([(r.lon, r.lat) for r in rows])
    assert resolved == [r.commune_insee for r in rows]
    assert all(r.commune_insee == r.insee for r in rows)


def test_every_asset_has_a_model_and_chargers_have_an_ocpp_id(built: Demo) -> None:
    with built.engine.connect() as conn:
        models = conn.execute(select(func.count()).select_from(device_models)).scalar_one()
        without_model = conn.execute(
            select(func.count()).where(assets.c.device_model_id.is_(None))
        ).scalar_one()
        kinds = Counter(conn.execute(select(assets.c.kind)).scalars())
        chargers_without_id = conn.execute(
            select(func.count()).where(assets.c.kind == "charge_point", assets.c.ocpp_id.is_(None))
        ).scalar_one()
    assert models == len(catalogue_models())
    assert without_model == 0
    assert set(kinds) == {"sensor", "counter", "lighting_cabinet", "charge_point", "camera"}
    assert chargers_without_id == 0


def test_the_faulty_sensors_of_the_plan_are_registered_as_faulty(built: Demo) -> None:
    faulty = {built.fleet.asset_ids[a.serial] for a in built.fleet.plan.assets if a.faulty}
    with built.engine.connect() as conn:
        marked = set(conn.execute(select(assets.c.id).where(assets.c.status == "faulty")).scalars())
    assert faulty
    assert marked == faulty


def test_projects_of_several_statuses_make_a_joint_purchase_proposal(built: Demo) -> None:
    with built.engine.connect() as conn:
        statuses = set(conn.execute(select(initiatives.c.status)).scalars())
        joint = conn.execute(
            select(proposals.c.id, proposals.c.domain).where(proposals.c.kind == "joint_purchase")
        ).all()
        air = [p.id for p in joint if p.domain == "air"]
        partners = set(
            conn.execute(
                select(proposal_members.c.member_id).where(proposal_members.c.proposal_id.in_(air))
            ).scalars()
        )
    assert statuses >= {"idea", "planned", "procurement", "deploying", "operating"}
    assert built.proposals >= len(joint) >= 1
    assert {built.member_ids["78646"], built.member_ids["78158"]} <= partners


def test_the_proposals_are_sent_to_the_members_once_each(built: Demo) -> None:
    with built.engine.connect() as conn:
        rows = conn.execute(select(proposals.c.status, proposals.c.title)).all()
    assert {r.status for r in rows} == {"sent"}  # the members read them
    titles = [r.title for r in rows]
    assert len(titles) == len(set(titles))
    # One purchase is one proposal: never the same model again under its supplier's name.
    assert not [t for t in titles if t.startswith("Achats en double") and "(" in t]


def test_the_demo_has_maintenance_contracts_open_closed_and_late_tickets(built: Demo) -> None:
    with built.engine.connect() as conn:
        contracts = list_contracts(conn, scope=command_line_scope())
        found = list_tickets(conn, scope=command_line_scope(), now=utcnow())
    assert contracts
    assert {"open", "closed"} <= {t.status.value for t in found}
    assert any(t.penalty_cents > 0 for t in found)


def test_the_demo_has_the_video_systems_of_its_first_two_communes(built: Demo) -> None:
    with built.engine.connect() as conn:
        systems = video_queries.list_systems(conn, scope=command_line_scope())
        cameras = video_queries.list_cameras(conn, scope=command_line_scope())
        open_ones = list_requisitions(conn, scope=command_line_scope(), open_only=True)
    assert len(systems) == 2
    assert len([c for c in cameras if c.system_id is not None]) == 8
    assert [r.procedure_number for r in open_ones] == ["DEMO-2026-000123"]


def test_each_water_level_sensor_has_its_flood_rule(built: Demo) -> None:
    water = [a for a in built.fleet.plan.assets if a.sim_kind == "water_sensor"]
    with built.engine.connect() as conn:
        names = set(conn.execute(select(alert_rules.c.name)).scalars())
    assert water
    assert {f"Crue : vigilance — {a.name}" for a in water} <= names
