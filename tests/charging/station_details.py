"""A complete IRVE station of Versailles with its two points of charge, as the API takes it."""

from __future__ import annotations

from typing import Any

STATION: dict[str, Any] = {
    "id_station_itinerance": "FR*Y78*P78646001",
    "brand": "Recharge Yvelines",
    "siting": "Voirie",
    "address": "4 avenue de Paris 78000 Versailles",
    "access_condition": "Accès libre",
    "reservation": False,
    "opening_hours": "24/7",
    "pmr_accessibility": "Accessible mais non réservé PMR",
    "height_restriction": "Aucune restriction",
    "two_wheelers": False,
    "operator": {"name": "Exploitant SA", "contact_email": "supervision@exploitant.fr"},
    "payment": {"pay_per_use": True, "card": True},
}
CONNECTORS = [
    {"connector_id": 1, "id_pdc_itinerance": "FR*Y78*E78646001*1", "power_kw": 22,
     "sockets": ["type_2", "ef"]},
    {"connector_id": 2, "id_pdc_itinerance": "FR*Y78*E78646001*2", "power_kw": 7.4,
     "sockets": ["type_2"]},
]  # fmt: skip
