"""Every installed service line has its pages, its isolation-walk entries, docs and labels."""

from __future__ import annotations

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from convergence.servicelines import service_lines
from tests.servicelines.contract import contract_problems
from tests.support import Territory
from tests.web.pages_support import log_in_as


def test_every_installed_line_keeps_the_contract(client: TestClient, territory: Territory) -> None:
    log_in_as(client, territory.versailles, Role.viewer)
    problems = [p for line in service_lines() for p in contract_problems(line, client)]
    assert problems == []
