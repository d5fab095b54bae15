"""Credentials of recorders and cameras: sealed in the database, never shown back in clear.

A ZoneMinder account or a camera's ONVIF/RTSP password opens footage of the public road: a
database dump or a backup must not give it away. They are sealed with Fernet (AES-128-CBC
and HMAC-SHA256, ``cryptography``) under a key kept outside the database, as the audit key
is: ``CONVERGENCE_VIDEO_CREDENTIALS_KEY``, else derived from the secret key. An address
given with ``user:password@`` in it is split: the address is kept without them, they are
sealed beside it. The API only says whether credentials are set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from cryptography.fernet import Fernet, InvalidToken

from convergence.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user and its password (either may be empty)."""

    user: str
    password: str

    def __repr__(self) -> str:  # a log line or a traceback must not print the password
        return f"Credentials(user={self.user!r}, password='***')"


@dataclass(frozen=True, slots=True)
class Sealer:
    """Seals and opens credentials with one Fernet key."""

    key: bytes

    def seal(self, credentials: Credentials) -> str:
        text = json.dumps({"user": credentials.user, "password": credentials.password})
        return Fernet(self.key).encrypt(text.encode()).decode()

    def open(self, token: str) -> Credentials:
        try:
            data = json.loads(Fernet(self.key).decrypt(token.encode()))
        except InvalidToken as error:
            raise InvalidInput(
                "identifiants illisibles : la clé CONVERGENCE_VIDEO_CREDENTIALS_KEY a changé / "
                "stored credentials cannot be opened with this key: enter them again"
            ) from error
        return Credentials(user=str(data["user"]), password=str(data["password"]))


def split_address(address: str) -> tuple[str, Credentials | None]:
    """An URL without its ``user:password@`` part, and that part (None when absent)."""
    parts = urlsplit(address)
    if parts.username is None and parts.password is None:
        return address, None
    netloc = parts.hostname or ""
    if ":" in netloc:  # an IPv6 address
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, Credentials(user=parts.username or "", password=parts.password or "")


def split_reference(reference: str | None) -> tuple[str | None, Credentials | None]:
    """A recorder reference (``kind:location``) without credentials, and those credentials."""
    if reference is None:
        return None, None
    kind, _, location = reference.partition(":")
    if "://" not in location:
        return reference, None
    clean, found = split_address(location)
    return f"{kind}:{clean}", found
