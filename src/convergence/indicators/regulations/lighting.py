"""Street-lighting rules: arrêté du 27 décembre 2018 and the whole-night baseline."""

from __future__ import annotations

from datetime import time, timedelta

from convergence.indicators.regulations import Citation, Verification

ARRETE_27_DECEMBRE_2018 = Citation(
    "Arrêté du 27 décembre 2018 relatif à la prévention, à la réduction et à la limitation "
    "des nuisances lumineuses (modifié 29 mai et 24 décembre 2019)",
    "https://www.ecologie.gouv.fr/politiques-publiques/arrete-du-27-decembre-2018-relatif-"
    "prevention-reduction-limitation-nuisances",
    Verification.CORROBORATED,
)
NOAA_SOLAR_CALCULATOR = Citation(
    "NOAA Solar Calculator (d'après Meeus, Astronomical Algorithms) : lever et coucher à "
    "90,833° de distance zénithale",
    "https://gml.noaa.gov/grad/solcalc/calcdetails.html",
)
LIGHTING_ENERGY = Citation(
    "Énergie : différence d'index du compteur de l'armoire sur la période, index interpolé "
    "linéairement aux bornes (EN 50470-3) ; sans index, Σ puissance moyenne × heures",
    None,
    Verification.CORROBORATED,
)
BURNING_HOURS = Citation(
    "Durée d'allumage : temps entre un état « allumé » et l'état « éteint » suivant, "
    "borné à la période (un état relevé vaut jusqu'au relevé suivant, 24 h au plus)",
    None,
    Verification.CORROBORATED,
)
WHOLE_NIGHT_BASELINE = Citation(
    "Référence « toute la nuit » : puissance installée × durée du coucher au lever du soleil",
    "https://gml.noaa.gov/grad/solcalc/calcdetails.html",
)
FAILURE_RATE = Citation("Taux de panne : points hors service ÷ points connus")

MAX_COLOUR_TEMPERATURE_K = 3000.0
MAX_ULR_NEW_PERCENT = 1.0  # strictly below for new luminaires
MAX_ULR_EXISTING_PERCENT = 4.0  # at most for existing installations
CURFEW_OFF_AT = time(1, 0)
CURFEW_ON_FROM = time(7, 0)
CURFEW_MARGIN = timedelta(hours=1)
CAR_PARK_MARGIN = timedelta(hours=2)
# Commonly used all-night burning time in France; not verified (open point 7 of the note).
ALL_NIGHT_HOURS_PER_YEAR = 4100
