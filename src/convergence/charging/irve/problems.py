"""Why an IRVE file cannot be published, per station or point, in French and English."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from convergence.charging.irve.schemas import IrveKind


class ProblemKind(StrEnum):
    """What is wrong."""

    missing_field = "missing_field"
    invalid_value = "invalid_value"
    duplicate_id = "duplicate_id"
    inconsistent = "inconsistent"
    malformed_file = "malformed_file"


class SubjectKind(StrEnum):
    """What the problem is about."""

    station = "station"
    point = "point"
    file = "file"


class ExportProblem(BaseModel):
    """One reason for refusing an IRVE export."""

    model_config = ConfigDict(frozen=True)

    kind: ProblemKind
    subject: SubjectKind
    subject_id: str
    field: str | None = None
    value: str | None = None
    message_fr: str
    message_en: str


_SUBJECT_WORDS: dict[SubjectKind, tuple[str, str]] = {
    SubjectKind.station: ("station", "station"),
    SubjectKind.point: ("point de recharge", "charging point"),
    SubjectKind.file: ("fichier", "file"),
}


def problem(
    kind: ProblemKind,
    subject: SubjectKind,
    subject_id: str,
    reason: tuple[str, str],
    *,
    field: str | None = None,
    value: str | None = None,
) -> ExportProblem:
    """A problem whose messages name the subject, then give the (French, English) reason."""
    word_fr, word_en = _SUBJECT_WORDS[subject]
    name = f" {subject_id}" if subject is not SubjectKind.file else ""
    return ExportProblem(
        kind=kind,
        subject=subject,
        subject_id=subject_id,
        field=field,
        value=value,
        message_fr=f"{word_fr}{name} : {reason[0]}",
        message_en=f"{word_en}{name}: {reason[1]}",
    )


def missing_reason(field: str) -> tuple[str, str]:
    """A mandatory field is empty."""
    return (
        f"champ obligatoire `{field}` manquant",
        f"mandatory field `{field}` is missing",
    )


def invalid_reason(field: str, value: str, expected: tuple[str, str]) -> tuple[str, str]:
    """A value does not match what the schema expects."""
    return (
        f"valeur « {value} » invalide pour `{field}` : {expected[0]}",
        f"invalid value “{value}” for `{field}`: {expected[1]}",
    )


def allowed_values(values: list[str]) -> tuple[str, str]:
    """Expected one of an enumeration."""
    listed = ", ".join(f"« {value} »" for value in values)
    listed_en = ", ".join(f"“{value}”" for value in values)
    return (f"valeurs admises {listed}", f"allowed values are {listed_en}")


def minimum_value(minimum: object) -> tuple[str, str]:
    """Expected at least a minimum."""
    return (f"la valeur minimale est {minimum}", f"the minimum is {minimum}")


def pattern_hint(kind: IrveKind, field: str, pattern: str) -> tuple[str, str]:
    """What a value matching the field's pattern looks like."""
    if field.startswith("id_") and field.endswith("_itinerance"):
        example = "FRA68E680210015" if field == "id_pdc_itinerance" else "FRA68P68021001"
        fr = f"identifiant AFIREV sans séparateur attendu (ex. {example})"
        en = f"expected an AFIREV identifier without separators (e.g. {example})"
        if kind is IrveKind.static:
            return (f"{fr} ou « Non concerné »", f"{en} or “Non concerné”")
        return (fr, en)
    return _PATTERN_HINTS.get(
        field, (f"format attendu : motif {pattern}", f"expected format: pattern {pattern}")
    )


_PATTERN_HINTS: dict[str, tuple[str, str]] = {
    "siren_amenageur": ("numéro SIREN à 9 chiffres attendu", "expected a 9-digit SIREN number"),
    "code_insee_commune": (
        "code INSEE de commune à 5 caractères attendu (ex. 78646, 2A004)",
        "expected a 5-character INSEE commune code (e.g. 78646, 2A004)",
    ),
    "horaires": (
        "horaires au format OpenStreetMap attendus (ex. « 24/7 », « Mo-Fr 08:00-18:00 »)",
        "expected opening hours in OpenStreetMap format (e.g. “24/7”, “Mo-Fr 08:00-18:00”)",
    ),
}


def type_hint(field_type: str, field_format: str | None) -> tuple[str, str]:
    """What a value of a Table Schema type looks like."""
    if field_type == "string" and field_format == "email":
        return ("adresse électronique attendue", "expected an e-mail address")
    return _TYPE_HINTS.get(field_type, (f"type {field_type} attendu", f"expected {field_type}"))


_TYPE_HINTS: dict[str, tuple[str, str]] = {
    "boolean": ("booléen attendu (true ou false)", "expected a boolean (true or false)"),
    "date": ("date au format AAAA-MM-JJ attendue", "expected a date as YYYY-MM-DD"),
    "datetime": (
        "date et heure ISO 8601 avec fuseau attendues (ex. 2024-05-01T08:00:00+00:00)",
        "expected an ISO 8601 date-time with offset (e.g. 2024-05-01T08:00:00+00:00)",
    ),
    "number": ("nombre décimal avec un point attendu (ex. 22, 7.4)", "expected a number (22, 7.4)"),
    "integer": ("nombre entier attendu", "expected an integer"),
    "geopoint": (
        "coordonnées « [longitude,latitude] » WGS84 attendues",
        "expected WGS84 coordinates “[longitude,latitude]”",
    ),
}
