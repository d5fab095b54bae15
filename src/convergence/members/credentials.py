"""Password hashing (argon2) and API token secrets (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "cvg_"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; never raises on a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token_secret() -> str:
    """A new random API token, e.g. ``cvg_3q2…``; 256 bits of entropy."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(secret: str) -> str:
    # A 256-bit random secret needs no slow hash: SHA-256 cannot be brute-forced, and lookups
    # by hash stay one index probe per request.
    return hashlib.sha256(secret.encode()).hexdigest()


def token_display_prefix(secret: str) -> str:
    """The first characters of a token, safe to show in lists."""
    return secret[: len(TOKEN_PREFIX) + 6]
