"""Closed sets of the registry: asset kinds and statuses, domains, initiative statuses."""

from __future__ import annotations

from enum import StrEnum


class AssetKind(StrEnum):
    sensor = "sensor"
    counter = "counter"
    luminaire = "luminaire"
    lighting_cabinet = "lighting_cabinet"
    charge_point = "charge_point"
    camera = "camera"
    gateway = "gateway"
    other = "other"


class AssetStatus(StrEnum):
    planned = "planned"
    installed = "installed"
    active = "active"
    faulty = "faulty"
    retired = "retired"


class Domain(StrEnum):
    air = "air"
    noise = "noise"
    traffic = "traffic"
    water = "water"
    lighting = "lighting"
    charging = "charging"
    video = "video"
    network = "network"
    other = "other"


class InitiativeStatus(StrEnum):
    idea = "idea"
    planned = "planned"
    procurement = "procurement"
    deploying = "deploying"
    operating = "operating"


class NetworkTechnology(StrEnum):
    lorawan = "lorawan"
    nbiot = "nbiot"
    sigfox = "sigfox"
    cellular = "cellular"
    fibre = "fibre"
    wifi = "wifi"
    wired = "wired"
    other = "other"
