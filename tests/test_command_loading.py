"""``convergence <command>`` loads that command's module only, not the whole platform."""

from __future__ import annotations

import subprocess
import sys

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
