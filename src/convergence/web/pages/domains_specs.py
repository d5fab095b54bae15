"""The domain pages: their addresses, titles, introductions and the quantities they chart."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from convergence.registry.kinds import Domain


@dataclass(frozen=True, slots=True)
class DomainSpec:
    """One domain page: where it lives, what it says, which curves it draws."""

    domain: Domain
    path: str
    title: str
    intro: str
    quantities: tuple[str, ...]

    @property
    def template(self) -> str:
        return f"domains/{self.domain.value}.html"


DOMAIN_SPECS: tuple[DomainSpec, ...] = (
    DomainSpec(
        Domain.air,
        "/air",
        "Qualité de l'air",
        "Indice quotidien de type ATMO calculé à partir des capteurs de la commune (ce n'est "
        "pas l'indice officiel, que seule Airparif publie), dépassements de seuils et "
        "concentrations mesurées.",
        ("no2", "pm10", "pm25", "o3", "so2"),
    ),
    DomainSpec(
        Domain.noise,
        "/bruit",
        "Bruit",
        "Niveaux Ld, Le, Ln et Lden des sonomètres (moyennes énergétiques), classes des "
        "cartes de bruit stratégiques et valeurs limites, à titre indicatif hors année complète.",
        ("laeq",),
    ),
    DomainSpec(
        Domain.traffic,
        "/trafic",
        "Trafic",
        "Comptages par jour et par sens, trafic moyen journalier (TMJ, TMJO, TMJA sur "
        "mois complets), part des poids lourds et vitesses.",
        ("vehicle_count", "speed"),
    ),
    DomainSpec(
        Domain.water,
        "/eau",
        "Eau et crues",
        "Hauteur d'eau des limnimètres comparée aux seuils de chaque site (lecture locale, "
        "jamais la vigilance Vigicrues de l'État), vitesse de montée et prochain seuil.",
        ("water_level",),
    ),
    DomainSpec(
        Domain.lighting,
        "/eclairage",
        "Éclairage public",
        "Énergie consommée par jour et par armoire, heures d'allumage et économies par "
        "rapport à un éclairage toute la nuit.",
        ("power",),
    ),
    DomainSpec(
        Domain.charging,
        "/recharge",
        "Recharge de véhicules",
        "Disponibilité et occupation des points de recharge, sessions, échecs et énergie délivrée.",
        ("power",),
    ),
)
DOMAIN_PAGES: Mapping[str, str] = {spec.domain.value: spec.path for spec in DOMAIN_SPECS}
