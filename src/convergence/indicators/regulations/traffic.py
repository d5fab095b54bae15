"""Traffic-counting definitions: TMJA, TMJO, peak hours, heavy vehicles, V85, open-data schema."""

from __future__ import annotations

from convergence.indicators.regulations import Citation, Verification

TMJA_DEFINITION = Citation(
    "TMJA : véhicules comptés sur l'année ÷ jours, deux sens cumulés (Département de l'Aube)",
    "https://www.aube.fr",
)
TMJA_FROM_COMPLETE_MONTHS = Citation(
    "TMJA sur mois complets : Σ volumes mensuels ÷ Σ jours retenus, jours manquants ou "
    "invalides écartés (SIREDO, « Les limites de la MJA »)",
    "http://siredo.free.fr",
)
TMJO_DEFINITION = Citation(
    "TMJO : moyenne sur les jours ouvrés (lundi–vendredi hors jours fériés, "
    "Code du travail art. L3133-1)",
    None,
    Verification.UNVERIFIED,
)
TMJ_DEFINITION = Citation("TMJ : moyenne journalière sur une période (MJM pour un mois)")
PEAK_HOURS = Citation(
    "Heure de pointe : heure d'horloge la plus chargée, HPM 7h–10h et HPS 16h–19h",
    None,
    Verification.CORROBORATED,
)
HEAVY_VEHICLES = Citation(
    "%PL = PL / TV × 100, PL : PTAC > 3,5 t (seuil de longueur propre au compteur)",
    "https://www.aube.fr",
)
V85_DEFINITION = Citation(
    "V85 : vitesse au-dessous de laquelle roulent 85 % des véhicules (véhicules libres, par sens)",
    None,
    Verification.CORROBORATED,
)
COMPTAGE_MOBILITES = Citation(
    "Schéma national « Comptage des mobilités » 0.2.5 (site, channel, measure)",
    "https://schema.data.gouv.fr/etalab/schema-comptage-mobilites-measure",
)
DAILY_COUNT_RULE = Citation(
    "Journée valide : toutes ses heures comptées dans chaque sens (une heure absente sous-estime "
    "le total ; les heures sans passage doivent être transmises à 0)",
    None,
    Verification.UNVERIFIED,
)

# Local clock hours whose start may be a peak hour: 07, 08, 09 and 16, 17, 18.
MORNING_PEAK_HOURS = (7, 8, 9)
EVENING_PEAK_HOURS = (16, 17, 18)
