"""Bounds-checked reading of binary payloads: a short payload is a DecodeError, never garbage."""

from __future__ import annotations

import math

from convergence.decoders.sdk import DecodeError, DecodeErrorReason


class PayloadReader:
    """A cursor over a payload that refuses to read past its end."""

    __slots__ = ("_data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self._data = data
        self.pos = pos

    @property
    def remaining(self) -> int:
        """Bytes left after the cursor."""
        return len(self._data) - self.pos

    def take(self, size: int, what: str = "field") -> bytes:
        """The next `size` bytes; DecodeError when the payload is shorter."""
        end = self.pos + size
        if end > len(self._data):
            msg = (
                f"payload truncated: {what} needs {size} byte(s) at offset {self.pos}, "
                f"{self.remaining} left"
            )
            raise DecodeError(msg, reason=DecodeErrorReason.truncated)
        chunk = self._data[self.pos : end]
        self.pos = end
        return chunk

    def uint(self, size: int, what: str = "field", *, little: bool = False) -> int:
        """An unsigned integer of `size` bytes."""
        return int.from_bytes(self.take(size, what), "little" if little else "big")

    def sint(self, size: int, what: str = "field", *, little: bool = False) -> int:
        """A two's-complement signed integer of `size` bytes."""
        chunk = self.take(size, what)
        return int.from_bytes(chunk, "little" if little else "big", signed=True)

    def u8(self, what: str = "field") -> int:
        """One unsigned byte."""
        return self.uint(1, what)


def signed(value: int, bits: int) -> int:
    """Reinterpret the low `bits` of `value` as two's complement."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def js_round(value: float, decimals: int) -> float:
    """Round half up like JavaScript's Math.round(x * 10^d) / 10^d, which vendor codecs use."""
    factor = float(10**decimals)
    return math.floor(value * factor + 0.5) / factor
