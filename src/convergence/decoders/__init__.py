"""Decoders: the codec SDK, built-in codecs, the JavaScript sandbox, quantities and units.

Nothing here touches storage: decoders turn bytes into decoded data and readings; the ingest
pipeline stores them.
"""

from __future__ import annotations

from convergence.decoders.javascript import JsCodec, JsEngine, JsLimits, JsSource, load_codec_file
from convergence.decoders.normalise import (
    Fact,
    FieldMapping,
    Normalisation,
    NormalisedReading,
    normalise,
    validate_reading,
)
from convergence.decoders.predecoded import (
    PredecodedSource,
    normalise_predecoded,
    predecoded_result,
)
from convergence.decoders.quantities import CATALOGUE, Quantity, find_quantity, get_quantity
from convergence.decoders.registry import ENTRY_POINT_GROUP, DecoderRegistry, load_decoders
from convergence.decoders.sdk import (
    DecodeError,
    DecodeErrorReason,
    Decoder,
    DecodeResult,
    Example,
    Frame,
    Manifest,
)
from convergence.decoders.units import UnitConversionRefused, convert

__all__ = [
    "CATALOGUE",
    "ENTRY_POINT_GROUP",
    "DecodeError",
    "DecodeErrorReason",
    "DecodeResult",
    "Decoder",
    "DecoderRegistry",
    "Example",
    "Fact",
    "FieldMapping",
    "Frame",
    "JsCodec",
    "JsEngine",
    "JsLimits",
    "JsSource",
    "Manifest",
    "Normalisation",
    "NormalisedReading",
    "PredecodedSource",
    "Quantity",
    "UnitConversionRefused",
    "convert",
    "find_quantity",
    "get_quantity",
    "load_codec_file",
    "load_decoders",
    "normalise",
    "normalise_predecoded",
    "predecoded_result",
    "validate_reading",
]
