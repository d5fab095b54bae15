"""French words of the maintenance pages."""

from __future__ import annotations

from collections.abc import Mapping

from convergence.maintenance.kinds import (
    ExclusionReason,
    HoursBasis,
    Origin,
    Problem,
    TicketAction,
    TicketStatus,
)

MAINTENANCE_LABELS: Mapping[str, Mapping[str, str]] = {
    "status": {
        TicketStatus.open: "Ouvert",
        TicketStatus.acknowledged: "Pris en charge",
        TicketStatus.waiting_member: "En attente de l'adhérent",
        TicketStatus.resolved: "Rétabli",
        TicketStatus.closed: "Clôturé",
    },
    "problem": {
        Problem.charge_point_fault: "Borne en défaut",
        Problem.heartbeat_lost: "Borne injoignable",
        Problem.sessions_failing: "Échecs de charge répétés",
        Problem.camera_down: "Caméra hors service",
        Problem.sensor_silent: "Capteur muet",
        Problem.sensor_faulty: "Capteur en défaut",
        Problem.reported: "Signalement",
    },
    "origin": {
        Origin.alert: "Alerte automatique",
        Origin.manual: "Saisie manuelle",
        Origin.public: "Signalement public (QR code)",
        Origin.status: "Équipement déclaré en panne",
        Origin.quality: "Contrôle qualité des mesures",
    },
    "action": {
        TicketAction.opened: "Ouverture",
        TicketAction.updated: "Nouveau défaut",
        TicketAction.reopened: "Réouverture",
        TicketAction.acknowledged: "Prise en charge",
        TicketAction.intervention: "Compte rendu d'intervention",
        TicketAction.closure_proposed: "Clôture proposée",
        TicketAction.paused: "Mise en attente",
        TicketAction.resumed: "Reprise",
        TicketAction.restored: "Rétablissement",
        TicketAction.not_verified: "Rétablissement non vérifié",
        TicketAction.excluded: "Exclusion",
        TicketAction.closed: "Clôture",
    },
    "hours": {HoursBasis.calendar: "heures calendaires", HoursBasis.business: "heures ouvrées"},
    "exclusion": {
        ExclusionReason.grid_outage: "Panne du réseau électrique",
        ExclusionReason.vandalism: "Vandalisme",
        ExclusionReason.force_majeure: "Force majeure",
        ExclusionReason.planned_maintenance: "Maintenance programmée",
    },
}


def minutes(value: float | None) -> str:
    """A duration in minutes as people read it: 3 h 45, 2 j 4 h 10 (24-hour days)."""
    if value is None:
        return "—"
    total = round(value)
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} j {hours} h {mins:02d}"
    return f"{hours} h {mins:02d}" if hours else f"{mins} min"
