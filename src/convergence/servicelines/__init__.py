"""The service-line contract: one specification per line, discovered through entry points.

Write a line: build a ``ServiceLine`` in a module of its package (``<package>/line.py``) and
register it under ``[project.entry-points."convergence.service_lines"]``. The core reads the
lines through ``service_lines()`` and names none of them. See ``docs/service-lines.md``.
"""

from __future__ import annotations

from convergence.servicelines.discovery import (
    ENTRY_POINT_GROUP,
    ServiceLineConflict,
    ServiceLineLoadError,
    ServiceLines,
    forget_service_lines,
    service_lines,
)
from convergence.servicelines.spec import (
    AssetKindSpec,
    ChartedStationsHook,
    DashboardCard,
    DatasetBuilder,
    DefaultAlertRules,
    DemoDeviceModel,
    DemoEquipment,
    DemoHook,
    DemoProject,
    DomainPage,
    EquipmentWords,
    FleetContribution,
    FleetSetupHook,
    IndicatorFigureHook,
    IndicatorService,
    KeyFigureHook,
    MenuEntry,
    OpenDataset,
    QuantitySpec,
    ReportSectionHook,
    SeriesParamsHook,
    ServiceLine,
    SignalHook,
    SiteHook,
    TypicalLevelHook,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "AssetKindSpec",
    "ChartedStationsHook",
    "DashboardCard",
    "DatasetBuilder",
    "DefaultAlertRules",
    "DemoDeviceModel",
    "DemoEquipment",
    "DemoHook",
    "DemoProject",
    "DomainPage",
    "EquipmentWords",
    "FleetContribution",
    "FleetSetupHook",
    "IndicatorFigureHook",
    "IndicatorService",
    "KeyFigureHook",
    "MenuEntry",
    "OpenDataset",
    "QuantitySpec",
    "ReportSectionHook",
    "SeriesParamsHook",
    "ServiceLine",
    "ServiceLineConflict",
    "ServiceLineLoadError",
    "ServiceLines",
    "SignalHook",
    "SiteHook",
    "TypicalLevelHook",
    "forget_service_lines",
    "service_lines",
]
