"""Flood vigilance: the four Vigicrues levels and the local-threshold practice they frame."""

from __future__ import annotations

from enum import IntEnum

from convergence.indicators.regulations import Citation, Verification

VIGICRUES = Citation(
    "Vigicrues, niveaux de vigilance crues (NivInfViCr 1–4 : vert, jaune, orange, rouge)",
    "https://www.vigicrues.gouv.fr",
)
LOCAL_THRESHOLDS = Citation(
    "Seuils de hauteur propres au site (PCS, système d'alerte local) : aucune norme nationale",
    "https://www.smdmca.fr/alerte-et-gestion-de-crise/",
    Verification.CORROBORATED,
)
RATE_OF_RISE = Citation(
    "Vitesse de montée dH/dt (cm/h) par régression sur une fenêtre glissante "
    "(pratique des systèmes d'alerte locaux)",
    None,
    Verification.UNVERIFIED,
)


class VigilanceLevel(IntEnum):
    """Vigicrues levels; integers because the feeds carry them as 1–4 and they are ordered."""

    VERT = 1
    JAUNE = 2
    ORANGE = 3
    ROUGE = 4


VIGILANCE_MEANINGS: dict[VigilanceLevel, str] = {
    VigilanceLevel.VERT: "Pas de vigilance particulière requise",
    VigilanceLevel.JAUNE: (
        "Risque de crue ou de montée rapide des eaux n'entraînant pas de dommages "
        "significatifs, mais nécessitant une vigilance particulière dans le cas d'activités "
        "saisonnières et/ou exposées"
    ),
    VigilanceLevel.ORANGE: (
        "Risque de crue génératrice de débordements importants susceptibles d'avoir un impact "
        "significatif sur la vie collective et la sécurité des biens et des personnes"
    ),
    VigilanceLevel.ROUGE: (
        "Risque de crue majeure. Menace directe et généralisée de la sécurité des personnes "
        "et des biens"
    ),
}
