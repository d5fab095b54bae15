"""``convergence decode``: decode one payload with a codec and show its readings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
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


def _decode_with_js(codec: str | None, path: Path, frame: Frame) -> DecodeResult:
    if not path.is_file():
        raise fail(f"no JavaScript codec file at {path}")
    with JsEngine(limits=JsLimits.from_settings(get_settings())) as engine:
        names = {"id": codec, "name": codec} if codec else {}
        js_codec = JsCodec.from_directory(path.parent, path.name, engine, **names)
        return js_codec.decode(frame)


def _decoder(codec: str) -> Decoder:
    return DecoderRegistry.from_entry_points().get(codec)


def _arguments(arguments: list[str], js: Path | None) -> tuple[str | None, int, str]:
    """[CODEC] FPORT PAYLOAD_HEX: the codec id may be left out when --js gives the codec."""
    if len(arguments) == 3:
        codec, fport, payload = arguments
    elif len(arguments) == 2 and js is not None:
        codec, (fport, payload) = None, arguments
    else:
        usage = "CODEC FPORT PAYLOAD_HEX, or FPORT PAYLOAD_HEX --js file.js"
        raise fail(f"expected {usage}; got {len(arguments)} argument(s)")
    if not fport.isdigit() or not 0 <= int(fport) <= 255:
        raise fail(f"FPort {fport} is outside 0–255")
    return codec, int(fport), payload


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
    arguments: Annotated[
        list[str],
        typer.Argument(
            help="[CODEC] FPORT PAYLOAD_HEX: a codec id (e.g. elsys, cayenne-lpp), left out "
            "with --js; the LoRaWAN FPort (0–255); the payload in hexadecimal",
            show_default=False,
        ),
    ],
    js: Annotated[
        Path | None,
        typer.Option(help="A device-repository JavaScript codec file to use instead"),
    ] = None,
) -> None:
    """Decode a payload, then show the decoded data and its normalised readings."""
    codec, fport, payload_hex = _arguments(arguments, js)
    now = datetime.now(UTC)
    try:
        frame = Frame.from_hex(fport, payload_hex).model_copy(update={"received_at": now})
        if js is not None:
            result = _decode_with_js(codec, js, frame)
        else:
            assert codec is not None
            result = _decoder(codec).decode(frame)
    except (ValidationError, ValueError, OSError) as error:
        # Whatever a codec or its file does wrong is told in one line, never as a traceback.
        raise fail(_one_line(error)) from None
    if result.errors:
        raise fail(f"the codec reported: {'; '.join(result.errors)}")
    _show(result, normalise(result.data, ts=now), now)


def _one_line(error: Exception) -> str:
    if isinstance(error, ValidationError):
        detail = error.errors()[0]
        where = ".".join(str(part) for part in detail["loc"]) or "input"
        return f"invalid {where}: {detail['msg']}"
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
