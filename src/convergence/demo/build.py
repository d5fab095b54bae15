"""Building the demo territory in its own directory, phase by phase, timed.

``build_demo`` prepares the database, plans the fleet and starts simulating its history in
a worker process, creates (or finds again) members, people, equipment, projects and alert
rules, stores the history through the bulk path, then runs the scheduled alert evaluation
once. Running it again on the same directory creates nothing twice and only back-fills the
time since the last reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Connection, Engine, func, select

from convergence.alerts.schedule import evaluate_schedule
from convergence.bootstrap import prepare_database
from convergence.db.engine import make_engine
from convergence.db.types import utcnow
from convergence.demo import alerting, equipment, people, projects, scenario, state
from convergence.demo.backfill import BackfillReport, Simulation, Story, backfill
from convergence.demo.catalogue import DEMO_ACTOR, USERS
from convergence.demo.composition import demo_fleet
from convergence.demo.people import Login
from convergence.demo.progress import ProgressSink, Silent, Stopwatch
from convergence.demo.state import DemoState
from convergence.members.roles import Role
from convergence.members.scope import MemberScope, command_line_scope
from convergence.servicelines import service_lines
from convergence.settings import Environment, Settings
from convergence.simulation.fleet import FleetPlan, fleet_kinds
from convergence.simulation.fleet_writer import RegisteredFleet
from convergence.timeseries.tables import series

DEFAULT_DAYS = 60


@dataclass(frozen=True, slots=True)
class DemoOptions:
    directory: Path
    days: int = DEFAULT_DAYS
    reset: bool = False
    tiers: tuple[scenario.Tier, ...] = scenario.TIERS


@dataclass(slots=True)
class Demo:
    """A built demo: where it lives, who logs in, what sends data."""

    settings: Settings
    engine: Engine
    state: DemoState
    fleet: RegisteredFleet
    story: Story
    logins: list[Login]
    member_ids: dict[str, int]
    stopwatch: Stopwatch
    history: BackfillReport
    history_end: datetime
    proposals: int = 0
    scheduled_alerts: int = 0

    def close(self) -> None:
        """Release the database."""
        self.engine.dispose()


def demo_settings(base: Settings, directory: Path, demo_state: DemoState) -> Settings:
    """The platform's settings, pointed at the demo directory, in development."""
    return base.model_copy(
        update={
            "environment": Environment.development,
            "data_dir": directory,
            "database_url": state.database_url(directory),
            "secret_key": SecretStr(demo_state.secret_key),
        }
    )


def open_directory(options: DemoOptions, *, base: Settings, now: datetime) -> DemoState:
    """The state of the demo directory, marked as such before anything is written in it."""
    state.check_directory(options.directory, normal_data_dir=base.data_dir)
    if options.reset:
        state.reset_directory(options.directory)
    demo_state = state.load_state(options.directory) or state.new_state(now)
    state.save_state(options.directory, demo_state)
    return demo_state


def demo_plan(anchor: datetime) -> tuple[FleetPlan, Story]:
    """The fleet, placed along the main roads, and its story."""
    plan = demo_fleet()
    silent = scenario.silent_asset(plan)
    since = scenario.silent_since(anchor)
    story = Story(scenario.episodes(anchor), silent.serial, int(since.timestamp()))
    return plan, story


def history_start(engine: Engine, *, days: int, now: datetime) -> datetime:
    """Where the back-fill starts: ``days`` ago, or after the last reading already stored."""
    with engine.connect() as conn:
        last: datetime | None = conn.execute(select(func.max(series.c.last_ts))).scalar()
    start = now - timedelta(days=days)
    return max(start, last + timedelta(seconds=1)) if last is not None else start


def setup_people(
    engine: Engine, demo_state: DemoState, sink: ProgressSink
) -> tuple[dict[str, int], list[Login]]:
    """The members (by key), the users to print, and the communes' tokens (in the state)."""
    sink.phase("Adhérents, comptes et jetons", len(USERS) + 1)
    with engine.begin() as conn:
        member_ids = people.ensure_members(conn)
    sink.advance(1)
    logins = people.ensure_users(engine, member_ids, advance=sink.advance)
    with engine.begin() as conn:
        demo_state.tokens = people.ensure_tokens(conn, member_ids, kept=demo_state.tokens)
    return member_ids, logins


def setup_equipment(
    engine: Engine,
    plan: FleetPlan,
    member_ids: dict[str, int],
    anchor: datetime,
    sink: ProgressSink,
) -> RegisteredFleet:
    """Device models, projects, equipment and series, created when missing."""
    scope = command_line_scope(DEMO_ACTOR)
    units = equipment.equipment_units(plan)
    sink.phase("Équipements et projets", sum(units.values()))
    with engine.begin() as conn:
        model_ids = equipment.ensure_device_models(conn)
        running = projects.ensure_running_initiatives(
            conn, scope=scope, member_ids=member_ids, units=units, anchor=anchor.date()
        )
        projects.ensure_planned_initiatives(
            conn, scope=scope, member_ids=member_ids, anchor=anchor.date()
        )
        asset_ids = equipment.ensure_assets(
            conn, scope=scope, plan=plan, member_ids=member_ids, model_ids=model_ids,
            initiative_ids=running, anchor=anchor.date(), advance=sink.advance,
        )  # fmt: skip
        return equipment.register_series(
            conn, plan=plan, member_ids=member_ids, asset_ids=asset_ids
        )


def setup_kinds(
    conn: Connection, *, scope: MemberScope, fleet: RegisteredFleet, member_ids: dict[str, int]
) -> None:
    """What each line sets up for its simulated kinds (``FleetContribution.setup``: the flood
    rules and sites of the water-level sensors, the stations of the charge points)."""
    for kind, spec in fleet_kinds().items():
        if spec.contribution.setup is not None:
            mine = [a for a in fleet.plan.assets if a.sim_kind == kind]
            spec.contribution.setup(
                conn, scope=scope, assets=mine, member_ids=member_ids, asset_ids=fleet.asset_ids
            )


def setup_line_demos(conn: Connection, member_ids: dict[str, int]) -> None:
    """Each service line's demonstration data (``ServiceLine.demo``: video systems,
    maintenance contracts…), member by member, each with its own scope."""
    for line in service_lines():
        if line.demo is None:
            continue
        for member_id in member_ids.values():
            scope = MemberScope(member_id=member_id, actor=DEMO_ACTOR, role=Role.member_admin)
            line.demo(conn, scope=scope)


def setup_rules(
    engine: Engine, fleet: RegisteredFleet, member_ids: dict[str, int], settings: Settings
) -> int:
    """The lines' setup of their equipment, alert rules, the lines' demonstration data, then
    partnership proposals (their count), which see all of it."""
    scope: MemberScope = command_line_scope(DEMO_ACTOR)
    with engine.begin() as conn:
        setup_kinds(conn, scope=scope, fleet=fleet, member_ids=member_ids)
        alerting.ensure_alert_rules(conn, scope=scope, plan=fleet.plan, member_ids=member_ids)
        setup_line_demos(conn, member_ids)
        return projects.propose_partnerships(conn, scope=scope, settings=settings)


def _open(
    options: DemoOptions, *, base: Settings, now: datetime
) -> tuple[DemoState, Settings, Engine]:
    """The demo directory's state, the settings pointed at it, its migrated database."""
    demo_state = open_directory(options, base=base, now=now)
    settings = demo_settings(base, options.directory, demo_state)
    engine = make_engine(settings.resolved_database_url, audit_key=settings.resolved_audit_key)
    prepare_database(engine)
    return demo_state, settings, engine


def _evaluate_schedule(engine: Engine, now: datetime) -> int:
    """The scheduled alert rules (silence) once, as the running demo will every minute."""
    with engine.begin() as conn:
        return len(evaluate_schedule(conn, now=now).fired)


def build_demo(
    options: DemoOptions,
    *,
    base: Settings,
    sink: ProgressSink | None = None,
    now: datetime | None = None,
) -> Demo:
    """Create or bring up to date the demo in ``options.directory``; see the module docstring."""
    sink, now, watch = sink or Silent(), now or utcnow(), Stopwatch()
    watch.start("base de données")
    demo_state, settings, engine = _open(options, base=base, now=now)
    plan, story = demo_plan(demo_state.anchor)
    start = history_start(engine, days=options.days, now=now)
    simulation = Simulation(
        plan, story, list(scenario.windows(start, now, now=now, tiers=options.tiers))
    )
    try:
        watch.start("adhérents et comptes")
        member_ids, logins = setup_people(engine, demo_state, sink)
        state.save_state(options.directory, demo_state)
        watch.start("équipements, projets, règles")
        fleet = setup_equipment(engine, plan, member_ids, demo_state.anchor, sink)
        proposals = setup_rules(engine, fleet, member_ids, settings)
        watch.start("historique")
        sink.phase(f"Historique ({options.days} jours)", simulation.expected_rows)
        history = backfill(engine, fleet=fleet, simulation=simulation, advance=sink.advance)
    finally:
        simulation.close()
    watch.start("alertes")
    fired = _evaluate_schedule(engine, now)
    watch.stop()
    return Demo(settings, engine, demo_state, fleet, story, logins, member_ids, watch, history,
                now, proposals=proposals, scheduled_alerts=fired)  # fmt: skip
