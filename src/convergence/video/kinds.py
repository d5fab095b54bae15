"""Closed sets of video protection: purposes, register actions, habilitations, requisitions."""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    """The purposes a prefectoral authorisation may list (CSI art. L251-2)."""

    public_buildings = "public_buildings"  # protection des bâtiments publics et abords
    national_defence = "national_defence"  # sauvegarde des installations de défense nationale
    traffic_regulation = "traffic_regulation"  # régulation des flux de transport
    traffic_offences = "traffic_offences"  # constatation des infractions au code de la route
    crime_prevention = "crime_prevention"  # prévention des atteintes aux personnes et aux biens
    terrorism = "terrorism"  # prévention des actes de terrorisme
    natural_risks = "natural_risks"  # prévention des risques naturels ou technologiques
    rescue = "rescue"  # secours aux personnes et défense contre l'incendie
    leisure_safety = "leisure_safety"  # sécurité des installations accueillant du public
    illegal_dumping = "illegal_dumping"  # respect de l'obligation d'être couvert par une assurance
    # et prévention des dépôts sauvages (L251-2, 9° et 10°)
    fraud_prevention = "fraud_prevention"  # prévention de la fraude douanière


PURPOSE_LABELS: dict[Purpose, str] = {
    Purpose.public_buildings: (
        "Protection des bâtiments et installations publics et de leurs abords"
    ),
    Purpose.national_defence: "Sauvegarde des installations utiles à la défense nationale",
    Purpose.traffic_regulation: "Régulation des flux de transport",
    Purpose.traffic_offences: "Constatation des infractions aux règles de la circulation",
    Purpose.crime_prevention: "Prévention des atteintes à la sécurité des personnes et des biens",
    Purpose.terrorism: "Prévention d'actes de terrorisme",
    Purpose.natural_risks: "Prévention des risques naturels ou technologiques",
    Purpose.rescue: "Secours aux personnes et défense contre l'incendie",
    Purpose.leisure_safety: "Sécurité des installations accueillant du public dans les parcs",
    Purpose.illegal_dumping: "Prévention et constatation des dépôts sauvages",
    Purpose.fraud_prevention: "Prévention et constatation de la fraude douanière",
}


class AccessAction(StrEnum):
    """What an entry of the access register records."""

    live_view = "live_view"
    replay = "replay"
    extraction = "extraction"
    export = "export"
    purge = "purge"
    legal_hold = "legal_hold"
    hold_release = "hold_release"
    snapshot = "snapshot"


ACTION_LABELS: dict[AccessAction, str] = {
    AccessAction.live_view: "Visionnage en direct",
    AccessAction.replay: "Relecture",
    AccessAction.extraction: "Extraction",
    AccessAction.export: "Remise (export)",
    AccessAction.purge: "Destruction",
    AccessAction.legal_hold: "Gel judiciaire",
    AccessAction.hold_release: "Levée du gel",
    AccessAction.snapshot: "Cliché (vidéoverbalisation)",
}

# Actions a person performs on images, checked against habilitations when they happen.
VIEWING_ACTIONS = frozenset(
    {
        AccessAction.live_view,
        AccessAction.replay,
        AccessAction.extraction,
        AccessAction.export,
        AccessAction.snapshot,
    }
)


class Outcome(StrEnum):
    granted = "granted"
    refused = "refused"
    done = "done"
    failed = "failed"


class Motive(StrEnum):
    """Why images were consulted (the field list of the camera decrees)."""

    judicial = "judicial"
    administrative = "administrative"
    disciplinary = "disciplinary"
    training = "training"
    operations = "operations"  # live watch by the supervision centre
    retention = "retention"  # the platform's own purges


class HabilitationKind(StrEnum):
    designated_agent = "designated_agent"  # agent individually designated by the controller
    pooled_operator = "pooled_operator"  # supervision-centre operator, within delegated slots
    police_liaison = "police_liaison"  # police or gendarmerie liaison account


HABILITATION_LABELS: dict[HabilitationKind, str] = {
    HabilitationKind.designated_agent: "Agent désigné",
    HabilitationKind.pooled_operator: "Opérateur mutualisé (créneaux délégués)",
    HabilitationKind.police_liaison: "Liaison police / gendarmerie",
}


class RequisitionStatus(StrEnum):
    open = "open"
    extracted = "extracted"
    handed_over = "handed_over"
    closed = "closed"


REQUISITION_LABELS: dict[RequisitionStatus, str] = {
    RequisitionStatus.open: "Reçue",
    RequisitionStatus.extracted: "Extraite",
    RequisitionStatus.handed_over: "Remise",
    RequisitionStatus.closed: "Clôturée",
}


class AccessRequestStatus(StrEnum):
    open = "open"
    granted = "granted"
    refused = "refused"
