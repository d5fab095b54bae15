"""The catalogue of canonical quantities: one unit, one plausible range, one name per quantity.

Names are aligned with The Things Stack normalized payload (`lib/payload.json` of the device
repository: `air.temperature`, `wind.speed`, …) and with the FIWARE Smart Data Models attributes
(`AirQualityObserved.pm25`, `NoiseLevelObserved.LAeq`, `TrafficFlowObserved.intensity`, …);
both are kept as aliases so that data arriving in either vocabulary finds its quantity.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from convergence.decoders.units import unit
from convergence.errors import NotFound
from convergence.servicelines import (
    QuantitySpec,
    ServiceLine,
    ServiceLineConflict,
    ServiceLines,
    service_lines,
)


class Quantity(BaseModel):
    """A canonical quantity: readings are always stored in its unit."""

    model_config = ConfigDict(frozen=True)

    id: str
    label_fr: str
    unit: str
    minimum: float
    maximum: float
    # The family a quantity belongs to: an asset domain (air, noise…), a family no asset
    # domain names (weather, parking, people, energy, device), or the line bringing it.
    domain: str
    decibel: bool = False
    ttn_names: tuple[str, ...] = ()
    fiware_names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every name this quantity answers to."""
        return (self.id, *self.ttn_names, *self.fiware_names, *self.aliases)


def _q(
    id_: str,
    label_fr: str,
    unit_: str,
    bounds: tuple[float, float],
    domain: str,
    **names: object,
) -> Quantity:
    return Quantity.model_validate(
        {
            "id": id_,
            "label_fr": label_fr,
            "unit": unit_,
            "minimum": bounds[0],
            "maximum": bounds[1],
            "domain": domain,
            **names,
        }
    )


A, W, N, H2O = "air", "weather", "noise", "water"
T, P, PPL, E, L, D = "traffic", "parking", "people", "energy", "lighting", "device"
# Plausible ranges are physical sanity bounds for a French territory, not alert thresholds.
CATALOGUE: tuple[Quantity, ...] = (
    _q(
        "temperature",
        "Température de l'air",
        "°C",
        (-50, 70),
        A,
        ttn_names=("air.temperature",),
        fiware_names=("temperature",),
        aliases=("air_temperature", "temp", "ambient_temperature"),
    ),
    _q(
        "relative_humidity",
        "Humidité relative",
        "%",
        (0, 100),
        A,
        ttn_names=("air.relativeHumidity",),
        fiware_names=("relativeHumidity",),
        aliases=("humidity", "air_humidity", "rh"),
    ),
    _q(
        "pressure",
        "Pression atmosphérique",
        "hPa",
        (800, 1100),
        W,
        ttn_names=("air.pressure",),
        fiware_names=("atmosphericPressure",),
        aliases=("barometric_pressure", "atmospheric_pressure"),
    ),
    _q(
        "co2",
        "Dioxyde de carbone (CO₂)",
        "ppm",
        (250, 10000),
        A,
        ttn_names=("air.co2",),
        fiware_names=("co2",),
        aliases=("carbon_dioxide",),
    ),
    _q(
        "tvoc",
        "Composés organiques volatils totaux",
        "ppb",
        (0, 60000),
        A,
        fiware_names=("tvoc",),
        aliases=("voc",),
    ),
    _q(
        "hcho",
        "Formaldéhyde",
        "µg/m³",
        (0, 1000),
        A,
        fiware_names=("hcho",),
        aliases=("ch2o", "formaldehyde"),
    ),
    _q(
        "pm1",
        "Particules PM1",
        "µg/m³",
        (0, 1000),
        A,
        fiware_names=("pm1",),
        aliases=("pm1_0", "pm1_0_mass_concentration"),
    ),
    _q(
        "pm25",
        "Particules fines PM2,5",
        "µg/m³",
        (0, 1000),
        A,
        fiware_names=("pm25",),
        aliases=("pm2_5", "pm2.5", "pm2_5_mass_concentration"),
    ),
    _q("pm4", "Particules PM4", "µg/m³", (0, 1000), A, aliases=("pm4_mass_concentration",)),
    _q(
        "pm10",
        "Particules PM10",
        "µg/m³",
        (0, 2000),
        A,
        fiware_names=("pm10",),
        aliases=("pm10_mass_concentration",),
    ),
    _q("no2", "Dioxyde d'azote (NO₂)", "µg/m³", (0, 2000), A, fiware_names=("no2",)),
    _q("o3", "Ozone (O₃)", "µg/m³", (0, 1000), A, fiware_names=("o3",), aliases=("ozone",)),
    _q("so2", "Dioxyde de soufre (SO₂)", "µg/m³", (0, 2000), A, fiware_names=("so2",)),
    _q("co", "Monoxyde de carbone (CO)", "mg/m³", (0, 200), A, fiware_names=("co",)),
    _q(
        "laeq",
        "Niveau sonore équivalent LAeq",
        "dB(A)",
        (15, 140),
        N,
        decibel=True,
        fiware_names=("LAeq",),
        aliases=("sound_level", "leq", "sound_avg", "noise"),
    ),
    _q(
        "lamax",
        "Niveau sonore maximal LAmax",
        "dB(A)",
        (15, 150),
        N,
        decibel=True,
        fiware_names=("LAmax",),
        aliases=("sound_peak", "lmax"),
    ),
    _q(
        "lamin",
        "Niveau sonore minimal LAmin",
        "dB(A)",
        (0, 140),
        N,
        decibel=True,
        aliases=("lmin",),
    ),
    _q(
        "water_level",
        "Hauteur d'eau",
        "m",
        (-10, 50),
        H2O,
        fiware_names=("currentLevel", "height"),
        aliases=("level",),
    ),
    _q("distance", "Distance mesurée", "m", (0, 100), H2O, fiware_names=("distance",)),
    _q(
        "water_temperature",
        "Température de l'eau",
        "°C",
        (-5, 45),
        H2O,
        fiware_names=("waterTemperature",),
    ),
    _q("water_flow", "Débit", "m³/h", (0, 1_000_000), H2O, fiware_names=("flow",)),
    _q(
        "water_volume",
        "Volume d'eau (index)",
        "m³",
        (0, 1e9),
        H2O,
    ),
    _q(
        "rainfall",
        "Cumul de pluie",
        "mm",
        (0, 500),
        W,
        fiware_names=("precipitation",),
        aliases=("rain", "precipitation"),
    ),
    _q(
        "wind_speed",
        "Vitesse du vent",
        "m/s",
        (0, 80),
        W,
        ttn_names=("wind.speed",),
        fiware_names=("windSpeed",),
    ),
    _q(
        "wind_direction",
        "Direction du vent",
        "°",
        (0, 360),
        W,
        ttn_names=("wind.direction",),
        fiware_names=("windDirection",),
    ),
    _q(
        "illuminance",
        "Éclairement",
        "lx",
        (0, 200_000),
        L,
        ttn_names=("air.lightIntensity",),
        fiware_names=("illuminance",),
        aliases=("light", "lux", "luminosity"),
    ),
    _q(
        "vehicle_count",
        "Nombre de véhicules",
        "count",
        (0, 1e9),
        T,
        fiware_names=("intensity",),
        aliases=("vehicles", "counter_value"),
    ),
    _q(
        "speed",
        "Vitesse des véhicules",
        "km/h",
        (0, 300),
        T,
        fiware_names=("averageVehicleSpeed",),
        aliases=("vehicle_speed",),
    ),
    _q("occupancy", "Taux d'occupation", "%", (0, 100), T, fiware_names=("occupancy",)),
    _q(
        "occupancy_state",
        "Place occupée (1) ou libre (0)",
        "bool",
        (0, 1),
        P,
        aliases=("occupied", "presence"),
    ),
    _q(
        "people_count",
        "Nombre de personnes",
        "count",
        (0, 1e9),
        PPL,
        fiware_names=("peopleCount",),
        aliases=("people", "persons"),
    ),
    _q(
        "energy",
        "Énergie consommée (index)",
        "kWh",
        (0, 1e10),
        E,
        fiware_names=("totalActiveEnergyImport",),
        aliases=("power_consumption",),
    ),
    _q(
        "power",
        "Puissance active",
        "W",
        (0, 1e8),
        E,
        fiware_names=("activePower",),
        aliases=("active_power",),
    ),
    _q("voltage", "Tension électrique", "V", (0, 1000), E, fiware_names=("voltage",)),
    _q(
        "current",
        "Courant électrique",
        "A",
        (0, 10_000),
        E,
        fiware_names=("current",),
        aliases=("total_current",),
    ),
    _q("power_factor", "Facteur de puissance", "%", (0, 100), E, fiware_names=("powerFactor",)),
    _q(
        "battery",
        "Niveau de batterie",
        "%",
        (0, 100),
        D,
        fiware_names=("batteryLevel",),
        aliases=("battery_level",),
    ),
    _q(
        "battery_voltage",
        "Tension de la batterie",
        "V",
        (0, 60),
        D,
        aliases=("bat", "vdd", "battery_volts"),
    ),
    # Radio quality of the device's last uplinks, when its codec or gateway reports them.
    _q("rssi", "Puissance du signal reçu (RSSI)", "dBm", (-150, 0), D),
    _q("snr", "Rapport signal sur bruit (SNR)", "dB", (-30, 30), D),
)

_BY_ID = {quantity.id: quantity for quantity in CATALOGUE}
_BY_NAME = {name.lower(): quantity for quantity in CATALOGUE for name in quantity.names()}


def _from_line(line: ServiceLine, spec: QuantitySpec) -> Quantity:
    quantity = Quantity(
        id=spec.id,
        label_fr=spec.label,
        unit=spec.unit,
        minimum=spec.minimum,
        maximum=spec.maximum,
        domain=line.name,
        decibel=spec.decibel,
        aliases=spec.aliases,
    )
    taken = [name for name in quantity.names() if name.lower() in _BY_NAME]
    if taken:
        msg = f"service line {line.name!r} brings quantity names of the core catalogue: {taken}"
        raise ServiceLineConflict(msg, lines=[line.name], what="quantity", value=taken[0])
    unit(quantity.unit)  # refused when unknown, as for the core catalogue
    return quantity


@lru_cache(maxsize=1)
def _brought(lines: ServiceLines) -> dict[str, Quantity]:
    # Keyed by the lines object: a test installing a line gets a new one, hence a new index.
    found = [_from_line(line, spec) for line in lines for spec in line.quantities]
    return {name.lower(): quantity for quantity in found for name in quantity.names()}


def line_quantities() -> list[Quantity]:
    """The quantities the installed service lines bring, in the lines' order."""
    return list({q.id: q for q in _brought(service_lines()).values()}.values())


def catalogue() -> list[Quantity]:
    """Every canonical quantity: the core catalogue, then those the service lines bring."""
    return [*CATALOGUE, *line_quantities()]


def get_quantity(quantity_id: str) -> Quantity:
    """The quantity with this id; NotFound names the known ids."""
    found = _BY_ID.get(quantity_id) or _brought(service_lines()).get(quantity_id.lower())
    if found is None or found.id != quantity_id:
        known = ", ".join(sorted(q.id for q in catalogue()))
        raise NotFound(f"unknown quantity {quantity_id!r}; known: {known}") from None
    return found


def find_quantity(name: str) -> Quantity | None:
    """The quantity answering to an id, a TTS normalized name, a FIWARE attribute or an alias."""
    key = name.lower()
    return _BY_NAME.get(key) or _brought(service_lines()).get(key)


def check_catalogue() -> None:
    """Fail if a quantity's unit is unknown or two quantities share a name."""
    names = [name for quantity in CATALOGUE for name in {n.lower() for n in quantity.names()}]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"names used by two quantities: {duplicates}")
    for quantity in CATALOGUE:
        unit(quantity.unit)
