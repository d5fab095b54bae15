"""RTSP authentication: the ``Authorization`` header answering a camera's 401 challenge.

Cameras ask for HTTP Digest (RFC 2617, MD5, as RTSP 1.0 cameras do) or Basic; the platform
answers with the camera's sealed credentials, opened for the health cycle only.
"""

from __future__ import annotations

import base64
import hashlib
import re

from convergence.video.credentials import Credentials

PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]+))')


def challenge_of(head: str) -> str | None:
    """The ``WWW-Authenticate`` value of a response head, if any."""
    found = re.search(r"^www-authenticate:\s*(.+)$", head, re.IGNORECASE | re.MULTILINE)
    return found.group(1).strip() if found else None


def authorization(challenge: str, credentials: Credentials, *, method: str, uri: str) -> str:
    """The ``Authorization`` value answering ``challenge`` (Digest, else Basic)."""
    scheme, _, rest = challenge.partition(" ")
    if scheme.lower() != "digest":
        token = base64.b64encode(f"{credentials.user}:{credentials.password}".encode()).decode()
        return f"Basic {token}"
    params = {m.group(1).lower(): m.group(2) or m.group(3) for m in PARAM.finditer(rest)}
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    response = digest_response(credentials, realm=realm, nonce=nonce, method=method, uri=uri)
    return (
        f'Digest username="{credentials.user}", realm="{realm}", nonce="{nonce}", '
        f'uri="{uri}", response="{response}"'
    )


def digest_response(
    credentials: Credentials, *, realm: str, nonce: str, method: str, uri: str
) -> str:
    """RFC 2617's response without qop: MD5(HA1:nonce:HA2)."""
    ha1 = _md5(f"{credentials.user}:{realm}:{credentials.password}")
    ha2 = _md5(f"{method}:{uri}")
    return _md5(f"{ha1}:{nonce}:{ha2}")


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
