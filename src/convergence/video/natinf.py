"""The NatInf picker of vidéoverbalisation: R130-11 categories, loaded codes, competence.

Code de la route, art. R130-11 (created by décret 2016-1955 of 28 December 2016, extended
in 2018) lists the offences that may be recorded « by or from » a video device (L130-9).
The platform ships its categories — as the operator's reference note lists them — but no
NatInf code: the codes come from the official NatInf catalogue (Ministère de la Justice),
and the operator loads them from a CSV it maintains (``convergence video natinf load``,
``PUT /api/v1/video/vv/natinf``), each under one category. The picker shows a verbalising
agent only loaded codes, and to a municipal parking officer (ASVP) only those about a
stationary vehicle (stopping and parking), the only ones in its competence.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Connection, delete, insert, select

from convergence.errors import InvalidInput
from convergence.members import audit
from convergence.members.scope import MemberScope, require_operator
from convergence.video.tables import video_natinf

REGULATION = (
    "Code de la route, art. R130-11 (décret n° 2016-1955 du 28 décembre 2016, modifié en "
    "2018) ; constatation à distance selon l'art. L130-9"
)
CSV_COLUMNS = ("natinf", "libelle", "categorie", "vehicule_a_l_arret")
CODE = re.compile(r"^[0-9]{1,6}$")
MAX_CODES = 2000
YES, NO = frozenset({"oui", "true", "1"}), frozenset({"non", "false", "0"})


class Category(StrEnum):
    """The offence categories of R130-11, as the reference note lists them."""

    red_light_stop = "red_light_stop"
    speed = "speed"
    safety_distance = "safety_distance"
    reserved_lanes = "reserved_lanes"
    seat_belt = "seat_belt"
    phone = "phone"
    emergency_lane = "emergency_lane"
    continuous_line = "continuous_line"
    overtaking = "overtaking"
    bike_box = "bike_box"
    helmet = "helmet"
    insurance = "insurance"
    pedestrian_priority = "pedestrian_priority"
    one_way = "one_way"


CATEGORY_LABELS: dict[Category, str] = {
    Category.red_light_stop: "Feux rouges et arrêts « stop »",
    Category.speed: "Vitesses maximales autorisées",
    Category.safety_distance: "Distances de sécurité entre véhicules",
    Category.reserved_lanes: "Usage des voies et chaussées réservées",
    Category.seat_belt: "Port de la ceinture de sécurité",
    Category.phone: "Usage du téléphone tenu en main",
    Category.emergency_lane: "Circulation sur les bandes d'arrêt d'urgence",
    Category.continuous_line: "Chevauchement et franchissement des lignes continues",
    Category.overtaking: "Règles de dépassement",
    Category.bike_box: "Sas vélos aux feux",
    Category.helmet: "Port du casque (deux-roues motorisés)",
    Category.insurance: "Obligation d'assurance",
    Category.pedestrian_priority: "Priorité aux piétons",
    Category.one_way: "Circulation en sens interdit",
}


class Competence(StrEnum):
    """What a verbalising agent may record."""

    municipal_police = "municipal_police"  # sworn municipal police: the R130-11 offences
    asvp = "asvp"  # agent de surveillance de la voie publique: stationary vehicles only


COMPETENCE_LABELS = {
    Competence.municipal_police: "Policier municipal",
    Competence.asvp: "ASVP (arrêt et stationnement seulement)",
}


class NatinfCode(BaseModel):
    code: str
    label: str
    category: Category
    category_label: str
    stationary: bool


class CategoryOut(BaseModel):
    category: Category
    label: str
    codes_loaded: int


def parse_csv(text: str) -> list[NatinfCode]:
    """The operator's file, checked line by line; InvalidInput names the first bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=_delimiter(text))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise InvalidInput(
            f"colonnes attendues : {';'.join(CSV_COLUMNS)} / expected columns: "
            f"{', '.join(CSV_COLUMNS)}"
        )
    found: dict[str, NatinfCode] = {}
    for number, row in enumerate(reader, start=2):
        code = _checked(number, row)
        if code.code in found:
            raise InvalidInput(f"ligne {number} : code NatInf {code.code} en double / duplicate")
        found[code.code] = code
    if len(found) > MAX_CODES:
        raise InvalidInput(f"plus de {MAX_CODES} codes / too many codes")
    return list(found.values())


def _delimiter(text: str) -> str:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if first.count(";") >= first.count(",") else ","


def _checked(number: int, row: dict[str, str | None]) -> NatinfCode:
    code, label = (row["natinf"] or "").strip(), (row["libelle"] or "").strip()
    category, stationary = (row["categorie"] or "").strip(), (row["vehicule_a_l_arret"] or "")
    if not CODE.match(code):
        raise InvalidInput(f"ligne {number} : code NatInf {code!r} invalide (1 à 6 chiffres)")
    if not 3 <= len(label) <= 300:
        raise InvalidInput(f"ligne {number} : libellé manquant ou trop long")
    if category not in Category.__members__:
        raise InvalidInput(
            f"ligne {number} : catégorie {category!r} hors de l'article R130-11 / not an "
            f"R130-11 category ({', '.join(Category)})"
        )
    flag = stationary.strip().lower()
    if flag not in YES | NO:
        raise InvalidInput(f"ligne {number} : vehicule_a_l_arret vaut oui ou non")
    kind = Category(category)
    return NatinfCode(code=code, label=label, category=kind,
                      category_label=CATEGORY_LABELS[kind], stationary=flag in YES)  # fmt: skip


def load(conn: Connection, *, scope: MemberScope, text: str, now: datetime) -> int:
    """Replace the loaded codes by the file's (the operator's administrators); how many."""
    require_operator(scope)
    codes = parse_csv(text)
    conn.execute(delete(video_natinf))
    if codes:
        rows = [{"code": c.code, "label": c.label, "category": c.category.value,
                 "stationary": c.stationary, "loaded_at": now} for c in codes]  # fmt: skip
        conn.execute(insert(video_natinf), rows)
    audit.record(conn, actor=scope.actor, action="video.natinf.load", target="natinf",
                 details={"codes": len(codes)})  # fmt: skip
    return len(codes)


def loaded(conn: Connection, *, stationary_only: bool = False) -> list[NatinfCode]:
    """The loaded codes (of R130-11 categories by construction), by category then code."""
    query = select(video_natinf).order_by(video_natinf.c.category, video_natinf.c.code)
    if stationary_only:
        query = query.where(video_natinf.c.stationary.is_(True))
    return [
        NatinfCode(code=r.code, label=r.label, category=Category(r.category),
                   category_label=CATEGORY_LABELS[Category(r.category)], stationary=r.stationary)
        for r in conn.execute(query)
    ]  # fmt: skip


def categories(conn: Connection) -> list[CategoryOut]:
    """The R130-11 categories, with how many codes the operator loaded for each."""
    counts: dict[str, int] = {}
    for code in loaded(conn):
        counts[code.category] = counts.get(code.category, 0) + 1
    return [CategoryOut(category=c, label=CATEGORY_LABELS[c], codes_loaded=counts.get(c, 0))
            for c in Category]  # fmt: skip
