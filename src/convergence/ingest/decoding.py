"""The decode and normalise stages: frames through codecs, values into canonical quantities.

Payloads the network server already decoded (ChirpStack ``object``, TTS ``decoded_payload``
or ``normalized_payload``) are used as they are. Otherwise the device model's codec decodes
the frame: a built-in or plug-in codec id, or ``js:<file>`` for an operator-supplied codec in
device-repository format run in the QuickJS sandbox.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from convergence.decoders.javascript import JsCodec, JsEngine, JsLimits
from convergence.decoders.normalise import Normalisation, NormalisedReading, normalise
from convergence.decoders.predecoded import PredecodedSource, normalise_predecoded
from convergence.decoders.quantities import find_quantity
from convergence.decoders.registry import DecoderRegistry
from convergence.decoders.sdk import DecodeError, DecodeErrorReason, Decoder, DecodeResult, Frame
from convergence.decoders.units import UnitConversionRefused, convert
from convergence.errors import ConvergenceError, NotFound
from convergence.ingest.devices import Device
from convergence.ingest.envelope import UNMAPPED_FIELDS, Refusal, Refused, Source, Stage
from convergence.ingest.messages import Message, ReadingIn, Uplink
from convergence.ingest.suspensions import CodecSuspensions
from convergence.settings import Settings

JS_PREFIX = "js:"
Outcome = DecodeResult | DecodeError


class Codecs:
    """The codecs the pipeline may use, loaded once: plug-ins and the operator's JS files."""

    def __init__(
        self,
        *,
        registry: DecoderRegistry | None = None,
        js_dir: Path | None = None,
        js_limits: JsLimits | None = None,
        suspensions: CodecSuspensions | None = None,
    ) -> None:
        self.registry = registry if registry is not None else DecoderRegistry.from_entry_points()
        self.js_dir = js_dir
        self.js_limits = js_limits or JsLimits()
        self.suspensions = suspensions or CodecSuspensions()
        self._engine: JsEngine | None = None
        self._js: dict[str, JsCodec] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Codecs:
        """Codecs configured by CONVERGENCE_JS_CODEC_DIR, the JS sandbox limits and the
        suspension of failing codecs (CONVERGENCE_CODEC_SUSPEND_*)."""
        suspensions = CodecSuspensions(
            after=settings.codec_suspend_after,
            window_s=settings.codec_suspend_window_s,
            period_s=settings.codec_suspend_for_s,
        )
        return cls(
            js_dir=settings.js_codec_dir,
            js_limits=JsLimits.from_settings(settings),
            suspensions=suspensions,
        )

    def close(self) -> None:
        """Stop the JavaScript workers, if any were started."""
        with self._lock:
            if self._engine is not None:
                self._engine.close()
            self._engine, self._js = None, {}

    def decoder(self, codec: str | None, hints: dict[str, Any]) -> Decoder:
        """The decoder named by a device model, else the one its TTS version ids point to."""
        if codec:
            return (
                self._js_codec(codec[len(JS_PREFIX) :])
                if codec.startswith(JS_PREFIX)
                else (self._registered(codec))
            )
        versions = hints.get("version_ids") or {}
        brand, model = versions.get("brand_id"), versions.get("model_id")
        if isinstance(brand, str) and isinstance(model, str):
            firmware = versions.get("firmware_version")
            try:
                return self.registry.for_device(
                    brand, model, firmware if isinstance(firmware, str) else None
                )
            except ConvergenceError:
                pass
        reason = (
            "aucun codec pour cet équipement / no codec for this device: give its device model a "
            "codec, or let the network server decode the payload"
        )
        raise Refused(Stage.decode, "no_codec", reason)

    def _registered(self, codec: str) -> Decoder:
        try:
            return self.registry.get(codec)
        except ConvergenceError as error:
            raise Refused(Stage.decode, "unknown_codec", error.message) from None

    def named_or_pasted(self, *, codec: str | None, javascript: str | None) -> Decoder:
        """The decoder the workbench asks for: a codec id, ``js:<file>`` or pasted JavaScript.

        A pasted codec runs in the same sandboxed workers as the others; every decode starts
        from its initial state, so nothing of it outlives the call.
        """
        if javascript is not None:
            with self._lock:
                engine = self._started_engine()
            return JsCodec.from_text(javascript, engine, codec_id="js-pasted", name="pasted")
        try:
            return self.decoder(codec, {})
        except Refused as refused:
            raise NotFound(refused.refusal.reason, codec=codec) from None

    def _started_engine(self) -> JsEngine:
        if self._engine is None:
            self._engine = JsEngine(limits=self.js_limits)
        return self._engine

    def _js_codec(self, name: str) -> Decoder:
        with self._lock:
            if name in self._js:
                return self._js[name]
            if self.js_dir is None:
                reason = f"codec js:{name} needs CONVERGENCE_JS_CODEC_DIR, which is not set"
                raise Refused(Stage.decode, "unknown_codec", reason)
            engine = self._started_engine()
            try:
                codec = JsCodec.from_directory(self.js_dir, name, engine)
            except ConvergenceError as error:
                raise Refused(Stage.decode, "unknown_codec", error.message) from None
            self._js[name] = codec
            return codec


def decode_frames(decoder: Decoder, frames: Sequence[Frame]) -> list[Outcome]:
    """One outcome per frame; codecs that decode in batches (JS) get the whole batch at once.

    A plug-in codec is third-party code: whatever it raises becomes a decode error of the
    frame, never a failure of the batch.
    """
    many = getattr(decoder, "decode_many", None)
    if callable(many):
        try:
            outcomes: list[Outcome] = many(frames)
        except Exception as error:
            return [_crash(decoder, error)] * len(frames)
        return outcomes
    results: list[Outcome] = []
    for frame in frames:
        try:
            results.append(decoder.decode(frame))
        except DecodeError as error:
            results.append(error)
        except Exception as error:
            results.append(_crash(decoder, error))
    return results


def _crash(decoder: Decoder, error: Exception) -> DecodeError:
    codec_id = decoder.manifest.id
    message = f"codec {codec_id} failed: {type(error).__name__}: {error}"[:1000]
    return DecodeError(message, reason=DecodeErrorReason.codec_error)


def frame_of(message: Message) -> Frame:
    """The frame a codec sees for an uplink message."""
    assert message.uplink is not None
    return Frame(fport=message.uplink.fport, payload=message.uplink.payload, received_at=message.ts)


def needs_codec(uplink: Uplink) -> bool:
    """True when nobody upstream decoded the frame and it carries application bytes."""
    return uplink.decoded is None and uplink.normalized is None and bool(uplink.payload)


def normalise_decoded(result: Outcome, message: Message, device: Device) -> Normalisation:
    """Readings and facts of what a codec gave; Refused when the codec failed."""
    if isinstance(result, DecodeError):
        raise Refused(Stage.decode, f"decode_{result.reason.value}", result.message[:1000])
    if result.errors:
        reason = "le codec a refusé la trame / the codec refused the frame: " + "; ".join(
            result.errors
        )
        raise Refused(Stage.decode, "codec_error", reason[:1000])
    return normalise(result.data, _field_map(device), ts=message.ts)


def normalise_upstream(message: Message, source: Source, device: Device) -> Normalisation:
    """Readings and facts of a payload the network server already decoded."""
    uplink = message.uplink
    assert uplink is not None
    if uplink.decoded is not None:
        origin = (
            PredecodedSource.tts_decoded_payload
            if source is Source.tts
            else PredecodedSource.chirpstack_object
        )
        value: Any = uplink.decoded
    elif uplink.normalized is not None:
        origin, value = PredecodedSource.tts_normalized_payload, uplink.normalized
    else:
        return Normalisation()  # a frame without application bytes (e.g. a MAC command)
    try:
        return normalise_predecoded(
            value, source=origin, field_map=_field_map(device), ts=message.ts
        )
    except DecodeError as error:
        raise Refused(Stage.decode, f"decode_{error.reason.value}", error.message[:1000]) from None


def unmapped_refusal(normalisation: Normalisation) -> Refusal | None:
    """The decoded numbers no field map names, kept as a dead letter until the model maps them."""
    if not normalisation.unmapped:
        return None
    fields = ", ".join(normalisation.unmapped)
    reason = (
        f"champs non reconnus / unrecognised fields: {fields}. Add them to the device model's "
        "field map (field → quantity), then replay this message: its values are kept here"
    )
    return Refusal(Stage.normalise, UNMAPPED_FIELDS, reason[:1000])


def _field_map(device: Device) -> dict[str, Any] | None:
    # No map at all lets well-known field names speak for themselves.
    return dict(device.field_map) or None


def normalise_native(reading: ReadingIn) -> NormalisedReading:
    """A native reading in its canonical quantity and unit; Refused when it has none."""
    quantity = find_quantity(reading.quantity)
    if quantity is None:
        reason = (
            f"grandeur inconnue / unknown quantity {reading.quantity!r}: use a quantity of the "
            "catalogue (e.g. temperature, laeq, pm25, water_level)"
        )
        raise Refused(Stage.normalise, "unknown_quantity", reason)
    try:
        unit = reading.unit or quantity.unit
        value = (
            reading.value if unit == quantity.unit else convert(reading.value, unit, quantity.unit)
        )
    except UnitConversionRefused as error:
        raise Refused(Stage.normalise, "unit_conversion", error.message[:1000]) from None
    return NormalisedReading.model_construct(
        quantity=quantity.id, unit=quantity.unit, value=value, ts=reading.ts, field=""
    )


# Radio figures a network server gives with each uplink (best gateway), stored as the device's
# own readings so that device health shows its signal; a codec's own value of them wins.
RADIO_QUANTITIES = ("rssi", "snr")


def radio_readings(
    message: Message, decoded: Sequence[NormalisedReading]
) -> list[NormalisedReading]:
    """The uplink's RSSI and SNR as readings at the message's time, when the server sent them."""
    if message.uplink is None:
        return []
    given = {reading.quantity for reading in decoded}
    found = []
    for name in RADIO_QUANTITIES:
        value = message.metadata.get(name)
        quantity = find_quantity(name)
        if name in given or quantity is None or not _number(value):
            continue
        assert isinstance(value, int | float)
        found.append(NormalisedReading(quantity=name, unit=quantity.unit, value=value, field=name))
    return found


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
