"""The audit log is hash-chained: any modified or removed entry is detected."""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from convergence.members import audit
from convergence.members.tables import audit_log
from tests.support import Territory


def test_every_write_is_chained_and_verifies(engine: Engine, territory: Territory) -> None:
    with engine.connect() as conn:
        checked, broken = audit.verify_chain(conn)
        actions = set(conn.execute(select(audit_log.c.action)).scalars())
    assert broken is None
    assert checked >= 8  # 4 members and 12 tokens were created
    assert {"member.create", "token.create"} <= actions


def test_a_modified_entry_is_detected(engine: Engine, territory: Territory) -> None:
    with engine.begin() as conn:
        third = conn.execute(select(audit_log.c.id).order_by(audit_log.c.id).offset(2)).scalar()
        conn.execute(
            update(audit_log).where(audit_log.c.id == third).values(details='{"name": "falsifié"}')
        )
    with engine.connect() as conn:
        checked, broken = audit.verify_chain(conn)
    assert broken is not None
    assert (broken.entry_id, checked) == (third, 2)
    assert "modified" in broken.reason


def test_a_removed_entry_is_detected(engine: Engine, territory: Territory) -> None:
    with engine.begin() as conn:
        second = conn.execute(select(audit_log.c.id).order_by(audit_log.c.id).offset(1)).scalar()
        conn.execute(audit_log.delete().where(audit_log.c.id == second))
    with engine.connect() as conn:
        _, broken = audit.verify_chain(conn)
    assert broken is not None
    assert "prev_hash" in broken.reason
