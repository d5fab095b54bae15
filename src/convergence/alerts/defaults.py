"""The default alert rules, read from the service lines: each line declares its own
(``ServiceLine.alert_rules``); the core installs them and names no line.

A member gets, when it is created, the rules of every line that gives them to every member
(``alert_rules_for_every_member``: the sensor lines, whose silence is watched from the first
day, and the air information and alert thresholds); the rules of another line (a charger in
fault, a camera's stream down) are installed when the member starts using it
(``install_line_rules``). Installing is idempotent: a rule the member already has (by name)
is left as the member changed it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from convergence.alerts.kinds import Severity, TargetKind
from convergence.alerts.schemas import RuleCreate, RuleOut, SilenceParams
from convergence.alerts.service import create_rule
from convergence.alerts.tables import alert_rules
from convergence.members.scope import MemberScope, require_write
from convergence.servicelines import service_lines

HOUR_S = 3600
SILENT_AFTER_PERIODS = 3
SILENT_WITHOUT_PERIOD_S = 2 * HOUR_S


def silence_rule(member_id: int, *, domain: str, label: str) -> RuleCreate:
    """A sensor of ``domain`` silent for three periods of its model (or two hours when its
    model states none), named « Capteur silencieux (<label>) »."""
    return RuleCreate(
        name=f"Capteur silencieux ({label})",
        member_id=member_id,
        target_kind=TargetKind.domain,
        domain=domain,
        severity=Severity.warning,
        params=SilenceParams(
            max_silence_s=SILENT_WITHOUT_PERIOD_S, missed_periods=SILENT_AFTER_PERIODS
        ),
    )


def default_rules(member_id: int) -> list[RuleCreate]:
    """The rules a new member starts with: those of the lines giving theirs to every member."""
    return [
        rule
        for line in service_lines()
        if line.alert_rules is not None and line.alert_rules_for_every_member
        for rule in line.alert_rules(member_id)
    ]


def line_rules(member_id: int, *, line: str) -> list[RuleCreate]:
    """The default rules of one line for a member (none when the line declares none)."""
    hook = service_lines().get(line).alert_rules
    return list(hook(member_id)) if hook is not None else []


def every_line_rules(member_id: int) -> list[RuleCreate]:
    """The default rules of every line, in the lines' order."""
    return [
        rule
        for line in service_lines()
        if line.alert_rules is not None
        for rule in line.alert_rules(member_id)
    ]


def install_rules(
    conn: Connection, *, scope: MemberScope, member_id: int, rules: Sequence[RuleCreate]
) -> list[RuleOut]:
    """Create the rules a member does not have yet (by name); the new ones."""
    require_write(scope, member_id)
    existing = set(
        conn.execute(select(alert_rules.c.name).where(alert_rules.c.member_id == member_id))
        .scalars()
        .all()
    )
    return [
        create_rule(conn, scope=scope, data=rule) for rule in rules if rule.name not in existing
    ]


def install_default_rules(conn: Connection, *, scope: MemberScope, member_id: int) -> list[RuleOut]:
    """Create the default rules of a new member it does not have yet (by name); the new ones."""
    return install_rules(conn, scope=scope, member_id=member_id, rules=default_rules(member_id))


def install_line_rules(
    conn: Connection, *, scope: MemberScope, member_id: int, line: str
) -> list[RuleOut]:
    """Create the default rules of ``line`` the member does not have yet (by name)."""
    rules = line_rules(member_id, line=line)
    return install_rules(conn, scope=scope, member_id=member_id, rules=rules)
