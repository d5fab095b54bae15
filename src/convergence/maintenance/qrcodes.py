"""The QR code printed on a charger: the address of its public report form, as PNG or SVG.

Drawn with ``segno`` (ISO/IEC 18004), error correction level Q so that a sticker scratched
or sun-faded up to a quarter still reads. The address is signed (``public.report_token``):
the code names one asset and cannot be walked.
"""

from __future__ import annotations

import io

import segno

from convergence.maintenance.public import report_token

ERROR_LEVEL = "q"
PNG_SCALE = 10  # pixels a module: about 4 cm wide printed at 300 dpi for a 41-module code
BORDER = 4  # the quiet zone the standard asks for, in modules


def report_address(base_url: str, *, secret: str, asset_id: int) -> str:
    """The public form's address for ``asset_id`` under ``base_url``."""
    return f"{base_url.rstrip('/')}/signalement/{report_token(secret, asset_id)}"


def qr_png(address: str) -> bytes:
    """The QR code of ``address`` as a PNG image."""
    buffer = io.BytesIO()
    segno.make(address, error=ERROR_LEVEL).save(buffer, kind="png", scale=PNG_SCALE, border=BORDER)
    return buffer.getvalue()


def qr_svg(address: str, *, scale: int = 8) -> str:
    """The QR code of ``address`` as an SVG document (scalable for any print size)."""
    buffer = io.BytesIO()
    segno.make(address, error=ERROR_LEVEL).save(
        buffer, kind="svg", scale=scale, border=BORDER, xmldecl=False, svgns=True,
        title="QR code : signaler un problème",
    )  # fmt: skip
    return buffer.getvalue().decode()
