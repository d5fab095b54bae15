"""Quality flags of readings: valid, suspect, invalid, and why a value was set aside.

They follow the validity flags of the European air-quality e-Reporting (Commission
Implementing Decision 2011/850/EU, code list "validity": valid, invalid, with a "verified"
dimension) and the usual hydrometric QA/QC (range, spike, flat line, station status); a
cumulative meter index read lower than before is invalid (``index_decreased``).
A suspect or invalid value is kept, never deleted; rollups and indicators use valid values.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Flag(IntEnum):
    valid = 0
    suspect = 1
    invalid = 2


class Reason(StrEnum):
    range = "range"
    spike = "spike"
    flat_line = "flat_line"
    asset_faulty = "asset_faulty"
    maintenance = "maintenance"
    invalidated_by_person = "invalidated_by_person"
    index_decreased = "index_decreased"


# What a reason sets a value to when rules (not people) decide.
FLAG_OF = {
    Reason.range: Flag.invalid,
    Reason.spike: Flag.suspect,
    Reason.flat_line: Flag.suspect,
    Reason.asset_faulty: Flag.invalid,
    Reason.maintenance: Flag.invalid,
    Reason.invalidated_by_person: Flag.invalid,
    Reason.index_decreased: Flag.invalid,
}

REASON_LABELS = {
    Reason.range: "hors de la plage physique",
    Reason.spike: "pic isolé",
    Reason.flat_line: "valeur figée (capteur bloqué)",
    Reason.asset_faulty: "équipement en panne",
    Reason.maintenance: "équipement en maintenance",
    Reason.invalidated_by_person: "invalidée par un technicien",
    Reason.index_decreased: "index de compteur en baisse",
}

# (flag, reason) of a reading; a valid reading has no reason.
Quality = tuple[Flag, Reason | None]
VALID: Quality = (Flag.valid, None)
