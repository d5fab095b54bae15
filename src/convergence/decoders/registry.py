"""Find decoders: every codec, built-in or third-party, comes through one entry-point group."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from importlib.metadata import EntryPoint, entry_points

from convergence.decoders.sdk import Decoder
from convergence.errors import Conflict, InvalidInput, NotFound

ENTRY_POINT_GROUP = "convergence.decoders"


def _instantiate(entry_point: EntryPoint) -> Decoder:
    try:
        target = entry_point.load()
        # A class or a factory is called; a ready-made decoder instance is used as is.
        is_instance = isinstance(target, Decoder) and not isinstance(target, type)
        candidate = target if is_instance else target()
    except Exception as exc:
        msg = f"decoder plug-in {entry_point.name!r} ({entry_point.value}) failed to load: {exc}"
        raise InvalidInput(msg, entry_point=entry_point.name) from exc
    if not isinstance(candidate, Decoder):
        msg = f"decoder plug-in {entry_point.name!r} does not provide `manifest` and `decode()`"
        raise InvalidInput(msg, entry_point=entry_point.name)
    return candidate


def load_decoders() -> list[Decoder]:
    """Every decoder registered under the `convergence.decoders` entry-point group."""
    found = entry_points(group=ENTRY_POINT_GROUP)
    return [_instantiate(entry_point) for entry_point in sorted(found, key=lambda e: e.name)]


class DecoderRegistry:
    """The decoders available to the platform, looked up by codec id or by device model."""

    def __init__(self, decoders: Iterable[Decoder] = ()) -> None:
        self._decoders: dict[str, Decoder] = {}
        for decoder in decoders:
            self.register(decoder)

    @classmethod
    def from_entry_points(cls) -> DecoderRegistry:
        """A registry of every installed decoder plug-in, built-in ones included."""
        return cls(load_decoders())

    def register(self, decoder: Decoder) -> None:
        """Add a decoder; two decoders may not share an id."""
        codec_id = decoder.manifest.id
        if codec_id in self._decoders:
            raise Conflict(f"two decoders claim the codec id {codec_id!r}", codec_id=codec_id)
        self._decoders[codec_id] = decoder

    def get(self, codec_id: str) -> Decoder:
        """The decoder with this id, or NotFound naming the closest ids."""
        try:
            return self._decoders[codec_id]
        except KeyError:
            close = difflib.get_close_matches(codec_id, list(self._decoders), n=3, cutoff=0.4)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            msg = f"no decoder with id {codec_id!r}.{hint} Known: {len(self._decoders)} decoders."
            raise NotFound(msg, codec_id=codec_id, suggestions=close) from None

    def for_device(self, vendor: str, model: str, firmware: str | None = None) -> Decoder:
        """The decoder for a device-repository vendor/model/firmware, e.g. TTS `version_ids`."""
        matches = [
            decoder
            for decoder in self
            if vendor in decoder.manifest.vendors and model in decoder.manifest.models
        ]
        if firmware is not None and len(matches) > 1:
            matches = [d for d in matches if _firmware_matches(d.manifest.firmware, firmware)]
        if len(matches) != 1:
            what = "no decoder" if not matches else f"{len(matches)} decoders"
            msg = f"{what} for {vendor}/{model} (firmware {firmware or 'unspecified'})"
            raise NotFound(msg, vendor=vendor, model=model, firmware=firmware)
        return matches[0]

    def ids(self) -> list[str]:
        """Every codec id, sorted."""
        return sorted(self._decoders)

    def __iter__(self) -> Iterator[Decoder]:
        return iter(self._decoders[codec_id] for codec_id in self.ids())

    def __len__(self) -> int:
        return len(self._decoders)

    def __contains__(self, codec_id: object) -> bool:
        return codec_id in self._decoders


def _firmware_matches(declared: tuple[str, ...], firmware: str) -> bool:
    # A declared "1.2" covers "1.2", "1.2.0", "1.2.3"; no declaration covers everything.
    return not declared or any(
        firmware == prefix or firmware.startswith(f"{prefix}.") for prefix in declared
    )
