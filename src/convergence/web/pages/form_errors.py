"""French error messages placed next to the form fields they are about."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from convergence.errors import Conflict, ConvergenceError, OutsideTerritory

# Field name -> message; the key "" holds what concerns the whole form.
FieldErrors = dict[str, str]
GENERAL = ""

MESSAGES_BY_TYPE = {
    "missing": "Ce champ est obligatoire.",
    "string_too_short": "Ce champ est obligatoire.",
    "string_too_long": "Ce texte est trop long.",
    "enum": "Choisissez une valeur dans la liste.",
    "literal_error": "Choisissez une valeur dans la liste.",
    "float_parsing": "Saisissez un nombre, par exemple 2,1301.",
    "float_type": "Saisissez un nombre, par exemple 2,1301.",
    "finite_number": "Saisissez un nombre fini.",
    "int_parsing": "Saisissez un nombre entier.",
    "int_from_float": "Saisissez un nombre entier.",
    "decimal_parsing": "Saisissez un montant, par exemple 1250,50.",
    "decimal_max_digits": "Ce montant est trop grand.",
    "decimal_max_places": "Deux décimales au plus.",
    "date_parsing": "Saisissez une date au format AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Saisissez une date au format AAAA-MM-JJ.",
    "greater_than_equal": "La valeur doit être positive ou nulle.",
    "too_short": "Choisissez au moins une valeur.",
}
# (start of the English message of a validator, field it concerns or None, French message)
VALIDATOR_MESSAGES: tuple[tuple[str, str | None, str], ...] = (
    ("a DevEUI has", None, "Un DevEUI compte 16 chiffres hexadécimaux, ex. 70B3D57ED0001234."),
    ("give both lon and lat", "lon", "Indiquez la longitude et la latitude, ou aucune des deux."),
    ("lon and lat must be finite", "lon", "La longitude et la latitude doivent être des nombres."),
    ("longitude", "lon", "La longitude doit être comprise entre -180 et 180 (degrés WGS84)."),
    (
        "latitude",
        "lat",
        "La latitude doit être comprise entre -90 et 90 : longitude et latitude inversées ?",
    ),
    ("end_date is before", "end_date", "La date de fin précède la date de début."),
    ("a SIREN has", None, "Un SIREN compte exactement 9 chiffres, ex. 217806462."),
    ("value is not a valid email", None, "Adresse électronique invalide, ex. nom@commune.fr."),
)


def field_errors(error: ValidationError) -> FieldErrors:
    """One French message per field of a refused form."""
    errors: FieldErrors = {}
    for item in error.errors():
        name, message = _field_message(item)
        errors.setdefault(name, message)
    return errors


def _field_message(item: Any) -> tuple[str, str]:
    loc = item["loc"]
    name = str(loc[0]) if loc else GENERAL
    text = str(item["msg"]).removeprefix("Value error, ")
    if item["type"] == "value_error":
        for start, field, french in VALIDATOR_MESSAGES:
            if text.startswith(start):
                return field or name, french
        return name, f"Valeur refusée : {text}"
    return name, MESSAGES_BY_TYPE.get(item["type"], f"Valeur refusée : {text}")


def french_part(message: str) -> str:
    """The French half of a bilingual domain message (« français / English »)."""
    return message.split(" / ")[0].strip()


def domain_errors(
    error: ConvergenceError, *, fields: dict[type[ConvergenceError], str]
) -> FieldErrors:
    """The domain error placed on the field it concerns (``fields`` by error class)."""
    for kind, name in fields.items():
        if isinstance(error, kind):
            return {name: french_part(error.message)}
    return {GENERAL: french_part(error.message)}


ASSET_ERROR_FIELDS: dict[type[ConvergenceError], str] = {
    OutsideTerritory: "lon",
    Conflict: "dev_eui",
}
