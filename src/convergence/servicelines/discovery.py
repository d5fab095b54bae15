"""Find service lines: every line, built-in or third-party, comes through one entry-point group.

A package registers its line in its ``pyproject.toml``::

    [project.entry-points."convergence.service_lines"]
    video = "convergence_video.line:LINE"

The target is a ``ServiceLine`` or a function without arguments returning one. Lines are
loaded once per process, in a stable order (``order``, then ``name``), and checked together:
two lines may not share a name, an asset kind, a quantity, a page address, a dataset kind,
a simulated kind or its serial prefix.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from importlib.metadata import EntryPoint, entry_points

from convergence.errors import Conflict, InvalidInput, NotFound
from convergence.servicelines.spec import ServiceLine

ENTRY_POINT_GROUP = "convergence.service_lines"


class ServiceLineConflict(Conflict):
    """Two service lines claim the same name, asset kind, quantity, page or dataset."""

    code = "service_line_conflict"


class ServiceLineLoadError(InvalidInput):
    """A registered service line could not be loaded, or is not a ``ServiceLine``."""

    code = "service_line_load_error"


def _load(entry_point: EntryPoint) -> ServiceLine:
    try:
        target = entry_point.load()
        # A ServiceLine is used as is, a factory is called; anything else is refused below.
        line = target() if callable(target) and not isinstance(target, type) else target
    except Exception as exc:
        msg = f"service line {entry_point.name!r} ({entry_point.value}) failed to load: {exc}"
        raise ServiceLineLoadError(msg, entry_point=entry_point.name) from exc
    if not isinstance(line, ServiceLine):
        msg = (
            f"service line {entry_point.name!r} ({entry_point.value}) is not a ServiceLine: "
            "point the entry point at a ServiceLine or a function returning one"
        )
        raise ServiceLineLoadError(msg, entry_point=entry_point.name)
    if line.name != entry_point.name:
        msg = (
            f"service line {line.name!r} is registered as {entry_point.name!r}: "
            "name the entry point after the line"
        )
        raise ServiceLineLoadError(msg, entry_point=entry_point.name)
    return line


def _claims(line: ServiceLine) -> Iterator[tuple[str, str]]:
    """What a line claims for itself, as (what, value) pairs no other line may claim."""
    yield "name", line.name
    for kind in line.asset_kinds:
        yield "asset kind", kind.name
    for quantity in line.quantities:
        for name in (quantity.id, *quantity.aliases):
            yield "quantity", name.lower()
    for path in set(line.paths()):
        yield "page", path
    for dataset in line.datasets:
        yield "dataset kind", dataset.kind
    for contribution in line.fleet:
        yield "simulated kind", contribution.kind
        yield "serial prefix", contribution.prefix


class ServiceLines:
    """The service lines of the platform, checked together, in their stable order."""

    def __init__(self, lines: Iterable[ServiceLine] = ()) -> None:
        self._lines: dict[str, ServiceLine] = {}
        self._claimed: dict[tuple[str, str], str] = {}
        for line in sorted(lines, key=lambda found: (found.order, found.name)):
            self._add(line)

    @classmethod
    def from_entry_points(cls) -> ServiceLines:
        """Every line registered under ``convergence.service_lines``, built-in ones included."""
        found = entry_points(group=ENTRY_POINT_GROUP)
        return cls(_load(entry_point) for entry_point in sorted(found, key=lambda e: e.name))

    def _add(self, line: ServiceLine) -> None:
        claims = list(_claims(line))
        for claim in claims:
            owner = self._claimed.get(claim)
            if owner is not None:
                what, value = claim
                msg = (
                    f"service lines {owner!r} and {line.name!r} both claim the {what} "
                    f"{value!r}: rename it in one of them (or uninstall one)"
                )
                raise ServiceLineConflict(msg, lines=[owner, line.name], what=what, value=value)
        self._claimed.update(dict.fromkeys(claims, line.name))
        self._lines[line.name] = line

    def get(self, name: str) -> ServiceLine:
        """The line called ``name``, or NotFound listing the known ones."""
        try:
            return self._lines[name]
        except KeyError:
            known = ", ".join(self._lines)
            raise NotFound(f"no service line {name!r}; known: {known}", line=name) from None

    def names(self) -> list[str]:
        """Every line's name, in the stable order."""
        return list(self._lines)

    def labels(self) -> dict[str, str]:
        """French name of every line, by name, in the stable order."""
        return {line.name: line.label for line in self}

    def __iter__(self) -> Iterator[ServiceLine]:
        return iter(self._lines.values())

    def __len__(self) -> int:
        return len(self._lines)

    def __contains__(self, name: object) -> bool:
        return name in self._lines


class _Installed:
    """The lines of this process, loaded on first use (entry points do not change while a
    process runs; ``forget`` is for a test that installs a line, and for nothing else)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lines: ServiceLines | None = None

    def get(self) -> ServiceLines:
        lines = self._lines
        if lines is None:
            with self._lock:
                if self._lines is None:
                    self._lines = ServiceLines.from_entry_points()
                lines = self._lines
        return lines

    def forget(self) -> None:
        with self._lock:
            self._lines = None


_INSTALLED = _Installed()


def service_lines() -> ServiceLines:
    """The installed service lines (loaded once per process, in their stable order)."""
    return _INSTALLED.get()


def forget_service_lines() -> None:
    """Read the entry points again on next use: after installing or removing a line."""
    _INSTALLED.forget()
