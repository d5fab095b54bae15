"""``convergence <command>`` loads that command's module only, not the whole platform."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import EntryPoint

import pytest
from typer.testing import CliRunner

from convergence.cli import main

PROBE = """
import sys
from typer.testing import CliRunner
from convergence.cli.main import app
result = CliRunner().invoke(app, ["db", "--help"])
assert result.exit_code == 0, result.output
print(",".join(sorted(m for m in sys.modules if m.startswith("convergence."))))
"""


def test_a_command_does_not_load_the_web_application_or_the_other_commands() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = set(run.stdout.strip().split(","))
    assert "convergence.cli.db" in loaded
    assert "convergence.web.app" not in loaded
    assert not {"convergence.cli.video", "convergence.cli.demo", "convergence.cli.serve"} & loaded


def test_a_command_that_cannot_be_loaded_says_so_and_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = EntryPoint(name="broken", value="convergence.no_such_module:app", group="")
    monkeypatch.setattr(main, "commands", lambda: {"broken": broken})
    main.load.cache_clear()
    result = CliRunner().invoke(main.app, ["broken", "--help"], env={"COLUMNS": "400"})
    main.load.cache_clear()
    assert result.exit_code == 1
    assert "the command 'broken' cannot be loaded from convergence.no_such_module:app" in (
        result.output
    )
    assert "reinstall the package that provides it" in result.output
