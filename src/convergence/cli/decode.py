"""``convergence decode``: decode one payload with a codec and show its readings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.json import JSON
from rich.table import Table

from convergence.cli.context import console, fail, handle_errors
from convergence.decoders import (
    Decoder,
    DecodeResult,
    DecoderRegistry,
    Frame,
    JsCodec,
    JsEngine,
    JsLimits,
    Normalisation,
    normalise,
    validate_reading,
)
from convergence.settings import get_settings


def _decode_with_js(codec: str, path: Path, frame: Frame) -> DecodeResult:
    with JsEngine(limits=JsLimits.from_settings(get_settings())) as engine:
        js_codec = JsCodec.from_directory(path.parent, path.name, engine, id=codec, name=codec)
        return js_codec.decode(frame)


def _decoder(codec: str) -> Decoder:
    return DecoderRegistry.from_entry_points().get(codec)


def _readings_table(normalisation: Normalisation, now: datetime) -> Table:
    table = Table(title="Mesures normalisées (normalised readings)")
    for column in ("quantité", "valeur", "unité", "champ", "validation"):
        table.add_column(column)
    for reading in normalisation.readings:
        refusal = validate_reading(reading, now)
        verdict = "[green]ok[/]" if refusal is None else f"[red]{refusal}[/]"
        table.add_row(reading.quantity, f"{reading.value:g}", reading.unit, reading.field, verdict)
    return table


def _show(result: DecodeResult, normalisation: Normalisation, now: datetime) -> None:
    console.print(JSON.from_data(result.data, ensure_ascii=False))
    for warning in result.warnings:
        console.print(f"[yellow]Avertissement :[/] {warning}", highlight=False)
    console.print(_readings_table(normalisation, now))
    for fact in normalisation.facts:
        console.print(f"Fait (fact) [bold]{fact.field}[/] = {fact.value!r}", highlight=False)
    if normalisation.unmapped:
        console.print(f"Non reliés (unmapped): {', '.join(normalisation.unmapped)}")
    for problem in normalisation.problems:
        console.print(f"[red]Problème :[/] {problem}", highlight=False)


@handle_errors
def decode(
    codec: Annotated[str, typer.Argument(help="Codec id (e.g. elsys, cayenne-lpp)")],
    fport: Annotated[int, typer.Argument(help="LoRaWAN FPort (0–255)")],
    payload_hex: Annotated[str, typer.Argument(help="Payload in hexadecimal")],
    js: Annotated[
        Path | None,
        typer.Option(help="A device-repository JavaScript codec file to use instead"),
    ] = None,
) -> None:
    """Decode a payload, then show the decoded data and its normalised readings."""
    if not 0 <= fport <= 255:
        raise fail(f"FPort {fport} is outside 0–255")
    now = datetime.now(UTC)
    frame = Frame.from_hex(fport, payload_hex).model_copy(update={"received_at": now})
    result = _decode_with_js(codec, js, frame) if js is not None else _decoder(codec).decode(frame)
    if result.errors:
        raise fail(f"the codec reported: {'; '.join(result.errors)}")
    _show(result, normalise(result.data, ts=now), now)
