"""Charge point passwords (HTTP Basic, OCPP security profiles 1 and 2) and id tag digests.

The password is the OCPP 1.6 ``AuthorizationKey`` (2.0.1 ``BasicAuthPassword``): 16 to 40
characters (security white paper A00.FR.204/205). A key the platform generates is 20 random
bytes in hex, so a slow password hash buys nothing against it; PBKDF2 with a moderate count
still protects a hand-typed key while keeping a reconnect storm of thousands of charge points
cheap (a full argon2 verification costs ~0.5 s here, PBKDF2-10k about 5 ms).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from convergence.errors import InvalidInput

KEY_MIN_LENGTH = 16
KEY_MAX_LENGTH = 40
ITERATIONS = 10_000
_SCHEME = "pbkdf2_sha256"


def new_authorization_key() -> str:
    """A random key: 20 bytes as 40 hexadecimal characters, the longest OCPP allows."""
    return secrets.token_hex(20)


def check_authorization_key(key: str) -> str:
    """The key, if OCPP accepts it; InvalidInput saying why otherwise."""
    if not KEY_MIN_LENGTH <= len(key) <= KEY_MAX_LENGTH:
        raise InvalidInput(
            f"le mot de passe doit faire de {KEY_MIN_LENGTH} à {KEY_MAX_LENGTH} caractères / "
            f"the password (AuthorizationKey) must be {KEY_MIN_LENGTH} to {KEY_MAX_LENGTH} "
            "characters long (OCPP security white paper A00.FR.204)"
        )
    if not key.isascii() or not key.isprintable():
        raise InvalidInput("le mot de passe doit être en ASCII imprimable / printable ASCII only")
    return key


def hash_authorization_key(key: str, *, iterations: int = ITERATIONS) -> str:
    """``pbkdf2_sha256$<iterations>$<salt>$<digest>`` of a checked key."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac(
        "sha256", check_authorization_key(key).encode(), salt.encode(), iterations
    )
    return f"{_SCHEME}${iterations}${salt}${digest.hex()}"


def verify_authorization_key(stored: str | None, key: str) -> bool:
    """True when ``key`` matches the stored hash; never raises on a malformed hash."""
    if not stored or len(key) > KEY_MAX_LENGTH * 4:
        return False
    try:
        scheme, iterations, salt, expected = stored.split("$")
        if scheme != _SCHEME:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", key.encode(), salt.encode(), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic …`` header, or None."""
    if header is None:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        text = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, colon, password = text.partition(":")
    return (user, password) if colon else None


def hash_id_tag(id_tag: str, *, pepper: str = "") -> str:
    """SHA-256 of an id tag (RFID badge, token): what the platform keeps instead of the tag.

    A badge UID has few bits; a pepper (kept outside the database) makes the digests useless
    to whoever reads only the database.
    """
    return hashlib.sha256(f"{pepper}{id_tag}".encode()).hexdigest()
