"""French words for the sets of the domain, as people read them on the pages.

The words of domains and asset kinds come from the installed service lines (each names
itself and the kinds it brings) and, for what no line covers, from here; a line adds the
families of its own closed sets through ``ServiceLine.labels``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from convergence.members.roles import MemberKind, Role, ShareLevel, TokenScope
from convergence.registry.kinds import (
    AssetKind,
    AssetStatus,
    Domain,
    InitiativeStatus,
    NetworkTechnology,
)
from convergence.servicelines import service_lines

# Domains of inventory and projects that no installed line covers (a line's label wins).
OTHER_DOMAINS: Mapping[str, str] = {
    Domain.network: "Réseau",
    Domain.other: "Autre",
}
CORE_ASSET_KINDS: Mapping[str, str] = {
    AssetKind.sensor: "Capteur",
    AssetKind.counter: "Compteur",
    AssetKind.luminaire: "Luminaire",
    AssetKind.lighting_cabinet: "Armoire d'éclairage",
    AssetKind.charge_point: "Point de recharge",
    AssetKind.camera: "Caméra",
    AssetKind.gateway: "Passerelle",
    AssetKind.other: "Autre",
}
ASSET_STATUSES: Mapping[str, str] = {
    AssetStatus.planned: "Prévu",
    AssetStatus.installed: "Installé",
    AssetStatus.active: "En service",
    AssetStatus.faulty: "En panne",
    AssetStatus.retired: "Retiré",
}
# The letter inside a map marker, so that a status never depends on colour or shape alone.
STATUS_LETTERS: Mapping[str, str] = {
    AssetStatus.planned: "P",
    AssetStatus.installed: "I",
    AssetStatus.active: "S",
    AssetStatus.faulty: "!",
    AssetStatus.retired: "R",
}
INITIATIVE_STATUSES: Mapping[str, str] = {
    InitiativeStatus.idea: "Idée",
    InitiativeStatus.planned: "Planifié",
    InitiativeStatus.procurement: "Achat en cours",
    InitiativeStatus.deploying: "Déploiement",
    InitiativeStatus.operating: "En exploitation",
}
NETWORKS: Mapping[str, str] = {
    NetworkTechnology.lorawan: "LoRaWAN",
    NetworkTechnology.nbiot: "NB-IoT",
    NetworkTechnology.sigfox: "Sigfox",
    NetworkTechnology.cellular: "Cellulaire (4G/5G)",
    NetworkTechnology.fibre: "Fibre optique",
    NetworkTechnology.wifi: "Wi-Fi",
    NetworkTechnology.wired: "Filaire",
    NetworkTechnology.other: "Autre",
}
ROLES: Mapping[str, str] = {
    Role.operator_admin: "Administrateur de l'opérateur",
    Role.member_admin: "Administrateur de l'adhérent",
    Role.technician: "Technicien",
    Role.elected: "Élu",
    Role.viewer: "Lecteur",
    Role.contractor: "Prestataire de maintenance",
}
MEMBER_KINDS: Mapping[str, str] = {
    MemberKind.commune: "Commune",
    MemberKind.epci: "EPCI",
    MemberKind.departement: "Département",
    MemberKind.operator: "Opérateur",
}
TOKEN_SCOPES: Mapping[str, str] = {
    TokenScope.ingest: "Envoi de données (ingest)",
    TokenScope.read: "Lecture (read)",
    TokenScope.admin: "Administration (admin)",
}
SHARE_LEVELS: Mapping[str, str] = {
    ShareLevel.none: "Aucun partage",
    ShareLevel.aggregates: "Indicateurs agrégés",
    ShareLevel.full: "Partage complet",
}
# What each sharing level lets the EPCI and the département covering a commune see.
SHARE_LEVEL_EXPLANATIONS: Mapping[str, str] = {
    ShareLevel.none: (
        "L'intercommunalité et le département ne voient rien des données de la commune."
    ),
    ShareLevel.aggregates: (
        "L'intercommunalité et le département voient les indicateurs et les moyennes "
        "(horaires, journalières), mais ni la liste des équipements ni les mesures détaillées."
    ),
    ShareLevel.full: (
        "L'intercommunalité et le département voient tout, en lecture seule : l'inventaire "
        "des équipements, les projets et toutes les mesures. Ils ne peuvent rien modifier."
    ),
}


def label(labels: Mapping[str, str], value: StrEnum | str | None) -> str:
    """The French word for ``value``, the value itself when unknown, a dash for nothing."""
    if value is None or value == "":
        return "—"
    return labels.get(str(value), str(value))


def choices(labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """(value, French label) pairs for a select list, in the declared order."""
    return [(str(value), text) for value, text in labels.items()]


def domain_labels() -> dict[str, str]:
    """Every domain's French name: the installed lines in their order, then the others."""
    found = service_lines().labels()
    return found | {str(d): text for d, text in OTHER_DOMAINS.items() if d not in found}


def asset_kind_labels() -> dict[str, str]:
    """Every asset kind's French name: the core's, then those the lines bring."""
    brought = {k.name: k.label for line in service_lines() for k in line.asset_kinds}
    return {str(kind): text for kind, text in CORE_ASSET_KINDS.items()} | brought


def page_labels() -> dict[str, Mapping[str, str]]:
    """Every family of French words the templates use (``labels.domain``…), lines' included."""
    families: dict[str, Mapping[str, str]] = {
        "domain": domain_labels(),
        "kind": asset_kind_labels(),
        **LABELS,
    }
    for line in service_lines():
        families |= line.labels
    return families


LABELS: Mapping[str, Mapping[str, str]] = {
    "status": ASSET_STATUSES,
    "initiative_status": INITIATIVE_STATUSES,
    "network": NETWORKS,
    "role": ROLES,
    "member_kind": MEMBER_KINDS,
    "token_scope": TOKEN_SCOPES,
    "share_level": SHARE_LEVELS,
}
