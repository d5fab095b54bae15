"""References of the comparisons between territories: population and population classes."""

from __future__ import annotations

from convergence.indicators.regulations import Citation, Verification

INSEE_POPULATION = Citation(
    "INSEE, population municipale (COG 2026, @etalab/decoupage-administratif 6.0.0)",
    "https://www.insee.fr/fr/statistiques/8680726",
)
DGCL_STRATA = Citation(
    "DGCL, strates démographiques des communes (Les collectivités locales en chiffres)",
    None,
    Verification.UNVERIFIED,
)

# Lower bounds of the demographic strata of communes; the last stratum is open.
POPULATION_STRATA_LOWER_BOUNDS = (0, 100, 200, 500, 2000, 3500, 5000, 10000, 20000, 50000, 100000)
