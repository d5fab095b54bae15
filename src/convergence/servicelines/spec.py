"""The specification a service line declares: everything the core needs to show and serve it.

A service line (air, noise, traffic, water, lighting, charging; video protection,
maintenance… to come) is a package that builds one frozen ``ServiceLine`` and registers it
under the entry-point group ``convergence.service_lines``. The core reads these
specifications — the menu, the domain pages, the dashboard, the monthly report, the open-data
catalogue, the French labels, the quantity and asset-kind catalogues — and names no line.

Every part but ``name`` and ``label`` is optional: a line declares what it has. The hooks are
plain functions of the line's package with keyword-only arguments, called with the caller's
member scope: a hook never reads member-owned data without it. See ``docs/service-lines.md``.

This module imports nothing of the platform at run time (the hook types are only read by the
type checker), so that any package, however low, may read the specifications.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from convergence.errors import InvalidInput

if TYPE_CHECKING:
    # For the type checker only (import-linter excludes these): the contract names the hook
    # types of the layers above it without importing them at run time.
    import numpy as np
    from fastapi import APIRouter
    from pydantic import BaseModel
    from sqlalchemy import Connection, Engine

    from convergence.alerts.schemas import RuleCreate
    from convergence.indicators.schemas import IndicatorQuery
    from convergence.indicators.service import ComparisonSpec
    from convergence.members.scope import MemberScope
    from convergence.opendata.drafts import Built, Source
    from convergence.opendata.specs import KindSpec
    from convergence.reports.schemas import KeyFigure, Section
    from convergence.settings import Settings
    from convergence.simulation.sensors import SeriesContext
    from convergence.simulation.signals import Draws, Floats, TimeGrid
    from convergence.timeseries.committed import Reactor

NAME = re.compile(r"^[a-z][a-z0-9_]{1,19}$")  # fits the 20 characters of ``assets.domain``
PATH = re.compile(r"^/[a-z0-9][a-z0-9/_-]*$")


class IndicatorService(Protocol):
    """The line's indicators for one commune (or one station) over a period."""

    def __call__(
        self, conn: Connection, *, scope: MemberScope, query: IndicatorQuery
    ) -> BaseModel: ...


class KeyFigureHook(Protocol):
    """The dashboard card: the line's key figure for a commune on a local day."""

    def __call__(
        self, conn: Connection, *, scope: MemberScope, commune: str, today: date
    ) -> KeyFigure: ...


class ReportSectionHook(Protocol):
    """The line's section of the monthly report for a commune, local days first to last."""

    def __call__(
        self, conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
    ) -> Section: ...


class IndicatorFigureHook(Protocol):
    """The daily chart of the domain page (a Plotly figure), from the indicator result."""

    def __call__(self, result: Any, asset_id: int | None) -> dict[str, Any]: ...


class ChartedStationsHook(Protocol):
    """The stations the domain page charts and tabulates day by day."""

    def __call__(self, result: Any) -> list[Any]: ...


class DefaultAlertRules(Protocol):
    """The rules a member gets when it starts using the line (e.g. a charger in fault)."""

    def __call__(self, member_id: int) -> Sequence[RuleCreate]: ...


class DatasetBuilder(Protocol):
    """Builds the files of one of the line's datasets for a member (``opendata.drafts``)."""

    def __call__(self, conn: Connection, source: Source) -> Built: ...


class ReactorHook(Protocol):
    """Makes the line's reactor, which each process runs after the alert rules on what every
    transaction stored (``timeseries.committed``); ``on_queued`` wakes the alert worker when
    e-mails wait in the outbox."""

    def __call__(
        self, engine: Engine, *, settings: Settings, on_queued: Callable[[], None]
    ) -> Reactor: ...


class DemoHook(Protocol):
    """Adds the line's demonstration data for a member (``convergence demo`` calls it once per
    member, with that member's scope); idempotent."""

    def __call__(self, conn: Connection, *, scope: MemberScope) -> None: ...


class FleetSetupHook(Protocol):
    """Completes the demo's registered equipment of one simulated kind: the flood rules and
    sites of the water-level sensors, the stations of the charge points. ``assets`` are the
    kind's planned assets (``simulation.fleet.AssetPlan``); ``member_ids`` by member key (an
    INSEE code for a commune), ``asset_ids`` by serial number. Idempotent."""

    def __call__(
        self,
        conn: Connection,
        *,
        scope: MemberScope,
        assets: Sequence[Any],
        member_ids: Mapping[str, int],
        asset_ids: Mapping[str, int],
    ) -> None: ...


class SiteHook(Protocol):
    """The character of one simulated site (pollution, traffic volume, river…), drawn from
    ``rng`` always in the same order, so that a seed gives the same fleet."""

    def __call__(self, rng: np.random.Generator, insee: str, /) -> dict[str, float]: ...


class SignalHook(Protocol):
    """The values one series of a simulated asset takes at the grid's instants."""

    def __call__(
        self, quantity: str, grid: TimeGrid, draws: Draws, ctx: SeriesContext, /
    ) -> Floats: ...


class SeriesParamsHook(Protocol):
    """The parameters of one series from those of its site (an air station's level of NO2)."""

    def __call__(self, params: Mapping[str, float], quantity: str, /) -> dict[str, float]: ...


class TypicalLevelHook(Protocol):
    """A usual value of a series, where a stuck sensor freezes (whatever the window)."""

    def __call__(self, params: Mapping[str, float], quantity: str, step_s: int, /) -> float: ...


@dataclass(frozen=True, slots=True)
class DemoDeviceModel:
    """The (fictional) device model of a simulated kind in the demo's catalogue: its decoded
    fields mapped to the catalogue's quantities, its price, how often it reports."""

    vendor: str
    model: str
    fields: Mapping[str, str] = field(default_factory=dict)
    unit_price_eur: int = 0
    expected_period_s: int = 600


@dataclass(frozen=True, slots=True)
class FleetContribution:
    """A kind of equipment the line adds to the simulated fleet (``simulation.fleet``, the
    demo): what it is, its device model, where it goes and how its readings are simulated.

    ``per_fleet`` assets at scale 1 (pairs when it has two ``directions``, each direction an
    asset of its own), placed in the communes by population, in ``communes`` only when the
    territory has any of them; ``site`` draws each site's parameters, ``series_params`` those
    of each series, ``signal`` makes the values, ``typical_level`` says where a stuck sensor
    freezes, ``decimals`` how each quantity is rounded (default 1). In the demo, a commune
    with such equipment runs the operating project ``project`` (« Réseau de stations de
    qualité de l'air »), over ``network`` when its devices use one; ``setup`` completes its
    registered assets (flood rules, charging stations), ``ocpp`` makes them OCPP charge points
    and ``falls_silent`` lets the demo's story silence one of them.
    """

    kind: str  # the simulated kind (``air_station``): a tag of its assets, unique
    asset_kind: str
    label: str  # its assets' names: « Station qualité de l'air 3 (Versailles) »
    quantities: tuple[str, ...]
    per_fleet: int
    prefix: str  # of its serial numbers (``SIM-AIR-0003``), unique
    model: DemoDeviceModel
    site: SiteHook
    signal: SignalHook
    typical_level: TypicalLevelHook
    series_params: SeriesParamsHook | None = None
    decimals: Mapping[str, int] = field(default_factory=dict)
    directions: tuple[str, ...] = ("",)
    communes: frozenset[str] = frozenset()
    project: str = ""  # the demo's operating project of a commune's such equipment
    network: str | None = None  # the network technology its devices use (``lorawan``)
    roadside: bool = False  # the demo places it beside the commune's main road
    sites_per_commune: int | None = None  # the most sites a demo commune keeps
    meter: bool = False  # an index meter: the demo back-fills old days at a coarser step
    ocpp: bool = False  # OCPP charge points: an OCPP identity, some live over OCPP in the demo
    falls_silent: bool = False  # the demo's story: one of them stops sending (a silence alert)
    setup: FleetSetupHook | None = None  # completes them once registered in the demo


@dataclass(frozen=True, slots=True)
class DemoEquipment:
    """Equipment the line adds to every demo commune beside the simulated fleet (cameras,
    which send no readings): ``per_commune`` assets placed around the commune's centre,
    named « <label> <k> (<commune>) », serials ``<serial>-<INSEE>-<k>``, tagged ``kind``,
    of the device model ``model``, run by the commune's operating project ``project``."""

    kind: str  # its key in the demo's catalogue and its assets' tag (``camera``)
    asset_kind: str
    label: str
    per_commune: int
    serial: str  # the prefix of its serial numbers (``DEMO-CAM``)
    model: DemoDeviceModel
    project: str
    seed_offset: int  # added to k for the draw of each unit's installation date


@dataclass(frozen=True, slots=True)
class DemoProject:
    """A project of the line a demo commune plans (an idea, a plan, a procurement…), so that
    coordination proposes joint purchases to neighbours planning the same thing."""

    insee: str
    name: str
    status: str  # an ``InitiativeStatus``
    starts_in_days: int  # after the demo's anchor
    units: int
    network: str | None = None  # a ``NetworkTechnology``


@dataclass(frozen=True, slots=True)
class AssetKindSpec:
    """A kind of equipment the line brings (``camera``, ``recorder``…), with its French name.

    The kinds shared by every line (sensor, counter, gateway…) belong to the core
    (``registry.kinds.AssetKind``); a line declares only the kinds it introduces.
    """

    name: str
    label: str


@dataclass(frozen=True, slots=True)
class QuantitySpec:
    """A canonical quantity the line brings: one unit, one plausible range, its names.

    Readings are stored in ``unit``; ``minimum``/``maximum`` are physical sanity bounds
    (a value outside is refused), never alert thresholds; ``decibel`` quantities are averaged
    energetically. ``aliases`` are the other names decoders may give it.
    """

    id: str
    label: str
    unit: str
    minimum: float
    maximum: float
    decibel: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """Where the line appears in the navigation: its page's address and French title."""

    path: str
    label: str


@dataclass(frozen=True, slots=True)
class DomainPage:
    """The standard domain page the core builds for the line (``web/pages/domains/pages.py``).

    It shows one commune or one station over a chosen period: the indicator service's
    result rendered by ``template`` (which extends ``domains/_layout.html``), the daily
    chart ``figure`` draws, then one curve per quantity of ``quantities``.
    """

    path: str
    title: str
    intro: str
    quantities: tuple[str, ...] = ()
    template: str = ""  # default: domains/<line name>.html
    figure: IndicatorFigureHook | None = None
    charted: ChartedStationsHook | None = None
    template_dirs: tuple[str, ...] = ()  # extra Jinja2 directories holding ``template``


@dataclass(frozen=True, slots=True)
class DashboardCard:
    """The line's card on the commune dashboard: its key figure and its colour."""

    key_figure: KeyFigureHook
    colour: str  # a hex colour of sufficient contrast on white (RGAA 3.2)


@dataclass(frozen=True, slots=True)
class EquipmentWords:
    """How the proposals of coordination name the line's equipment, in French."""

    things: str  # what a commune deploys, with its article: « des capteurs de bruit »
    none: str  # « aucun capteur de bruit »
    unit: str  # one piece of equipment: « capteur »
    units: str  # several: « capteurs »
    label: str  # the line as a title says it: « bruit »


@dataclass(frozen=True, slots=True)
class OpenDataset:
    """A dataset kind the line lets members publish, with what it is made of.

    ``spec`` says its title, description, keywords, themes, cadence and files, and how they
    are published (file names, the one licence allowed, a live file's lack of extent); ``schemas``
    holds the Table Schema of each file whose schema the line brings (by schema name);
    ``build`` makes the files — by default, the daily (or hourly) mean, minimum and maximum
    of the series of the line's equipment (``spec.domain``), as the sensors' datasets.
    """

    kind: str
    spec: KindSpec
    schemas: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    build: DatasetBuilder | None = None


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One service line, as its package declares it. Only ``name`` and ``label`` are required.

    - ``name``: the identifier (``air``, ``video``): the ``domain`` of its assets, series and
      initiatives; lowercase ASCII, at most 20 characters; unique among lines.
    - ``label``: its French name as people read it (« Qualité de l'air »).
    - ``order``: its place in menus, dashboard and report (then by name).
    - ``asset_kinds``, ``quantities``: what it adds to the core catalogues (unique).
    - ``indicators``: its indicator service (``IndicatorService``); ``comparison``: how
      a commune compares with its EPCI and département on it (dashboard, API).
    - ``page``: the standard domain page; ``pages``: a router of its own HTML pages;
      ``menu``: its entry in the navigation (defaults to ``page``'s address and title).
    - ``api``: a router of its JSON API, mounted under ``/api/v1``.
    - ``dashboard``: its dashboard card; ``report_section``: its monthly report section.
    - ``datasets``: the open-data dataset kinds it publishes.
    - ``alert_rules``: the default alert rules of a member using it;
      ``alert_rules_for_every_member``: every new member gets them when it is created (a
      sensor line, whose silence is watched from the first day), else they are installed
      when a member starts using the line (its first charger, its first camera).
    - ``labels``: French words of its own closed sets, by family (``{"camera_type": {...}}``).
    - ``words``: how coordination's proposals name its equipment (``EquipmentWords``).
    - ``demo``: adds its demonstration data for a member (its video systems, its
      maintenance contracts), after the demo's equipment and rules.
    - ``fleet``: the kinds of equipment it adds to the simulated fleet of the demo
      (``FleetContribution``), with their device models, signals and demo setup.
    - ``demo_equipment``: what it adds to every demo commune beside the simulated fleet
      (``DemoEquipment``: the cameras); ``demo_projects``: the projects demo communes plan
      (``DemoProject``).
    - ``docs``: where its documentation is, a path from the repository root with an optional
      ``#anchor`` (``docs/service-lines.md#air``); the contract test opens it.
    """

    name: str
    label: str
    order: int = 100
    asset_kinds: tuple[AssetKindSpec, ...] = ()
    quantities: tuple[QuantitySpec, ...] = ()
    indicators: IndicatorService | None = None
    comparison: ComparisonSpec[Any] | None = None
    page: DomainPage | None = None
    pages: APIRouter | None = None
    menu: MenuEntry | None = None
    api: APIRouter | None = None
    dashboard: DashboardCard | None = None
    report_section: ReportSectionHook | None = None
    datasets: tuple[OpenDataset, ...] = ()
    alert_rules: DefaultAlertRules | None = None
    alert_rules_for_every_member: bool = False
    reactor: ReactorHook | None = None
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    words: EquipmentWords | None = None
    demo: DemoHook | None = None
    fleet: tuple[FleetContribution, ...] = ()
    demo_equipment: tuple[DemoEquipment, ...] = ()
    demo_projects: tuple[DemoProject, ...] = ()
    docs: str = ""

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            msg = (
                f"service line name {self.name!r} is not an identifier: use 2-20 lowercase "
                "letters, digits or underscores, starting with a letter"
            )
            raise InvalidInput(msg, line=self.name)
        if not self.label.strip():
            raise InvalidInput(f"service line {self.name!r} has no French label", line=self.name)
        for path in self.paths():
            if not PATH.match(path):
                raise InvalidInput(f"service line {self.name!r}: bad page path {path!r}")

    def paths(self) -> tuple[str, ...]:
        """The addresses of its standard page and menu entry."""
        found = [self.page.path] if self.page else []
        return (*found, self.menu.path) if self.menu else tuple(found)

    @property
    def menu_entry(self) -> MenuEntry | None:
        """The navigation entry: the one declared, else that of its standard page."""
        if self.menu is not None:
            return self.menu
        return MenuEntry(self.page.path, self.page.title) if self.page else None

    @property
    def page_template(self) -> str:
        """The Jinja2 template of its standard domain page."""
        if self.page is not None and self.page.template:
            return self.page.template
        return f"domains/{self.name}.html"
