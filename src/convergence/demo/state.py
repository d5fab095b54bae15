"""The demo's own directory: its SQLite file and ``demo.json``, what a re-run needs again.

``demo.json`` marks the directory as a demo directory (``--reset`` deletes nothing else) and
keeps what cannot be read back from the database: the ingest tokens' secrets (stored hashed
there), the session key, and the anchor — the instant of the first run, which places the
flood and the pollution episode, so that a re-run continues the same story.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from convergence.errors import InvalidInput

MARKER = "demo.json"
DATABASE_FILE = "convergence.sqlite3"
FORMAT = 1


@dataclass(slots=True)
class DemoState:
    """What the demo keeps between runs."""

    anchor: datetime
    secret_key: str
    tokens: dict[str, str] = field(default_factory=dict)  # INSEE code → ingest token secret

    def to_json(self) -> str:
        document = {
            "format": FORMAT,
            "anchor": self.anchor.isoformat(),
            "secret_key": self.secret_key,
            "tokens": self.tokens,
        }
        return json.dumps(document, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DemoState:
        document = json.loads(text)
        return cls(
            anchor=datetime.fromisoformat(document["anchor"]).astimezone(UTC),
            secret_key=str(document["secret_key"]),
            tokens={str(k): str(v) for k, v in document.get("tokens", {}).items()},
        )


def new_state(now: datetime) -> DemoState:
    """The state of a first run at ``now``."""
    return DemoState(anchor=now.astimezone(UTC), secret_key=secrets.token_urlsafe(48))


def database_url(directory: Path) -> str:
    """The demo's SQLite database, inside its directory."""
    return f"sqlite:///{(directory / DATABASE_FILE).resolve()}"


def is_demo_directory(directory: Path) -> bool:
    return (directory / MARKER).is_file()


def check_directory(directory: Path, *, normal_data_dir: Path) -> None:
    """InvalidInput when ``directory`` is the platform's own data or holds something else."""
    if directory.resolve() == normal_data_dir.resolve() and not is_demo_directory(directory):
        raise InvalidInput(
            f"{directory} est le répertoire de données de la plateforme / is the platform's data "
            "directory (CONVERGENCE_DATA_DIR): the demo never writes there; choose another "
            "--data-dir, e.g. ./convergence-demo"
        )
    if directory.exists() and not directory.is_dir():
        raise InvalidInput(f"{directory} exists and is not a directory")
    if _foreign_content(directory):
        raise InvalidInput(
            f"{directory} contient déjà d'autres fichiers / already holds files that are not a "
            "demo's (no demo.json): choose an empty or new --data-dir"
        )


def _foreign_content(directory: Path) -> bool:
    if not directory.is_dir() or is_demo_directory(directory):
        return False
    return any(directory.iterdir())


def reset_directory(directory: Path) -> None:
    """Delete a demo directory (only one marked by ``demo.json``)."""
    if is_demo_directory(directory):
        shutil.rmtree(directory)


def load_state(directory: Path) -> DemoState | None:
    """The state of a previous run, or None for a new directory."""
    if not is_demo_directory(directory):
        return None
    return DemoState.from_json((directory / MARKER).read_text(encoding="utf-8"))


def save_state(directory: Path, state: DemoState) -> None:
    """Write ``demo.json``, readable by its owner only (it holds token secrets)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MARKER
    temporary = path.with_suffix(".tmp")
    temporary.write_text(state.to_json(), encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)
