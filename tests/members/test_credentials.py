"""Passwords are stored as argon2id hashes with the parameters RFC 9106 recommends."""

from __future__ import annotations

import subprocess
import sys

from argon2 import Type, extract_parameters, profiles

from convergence.members.credentials import hash_password, verify_password

HASH_IN_A_PROCESS = (
    "from convergence.members.credentials import hash_password; print(hash_password('s3cret'))"
)


def test_the_platform_hashes_with_argon2id_and_rfc_9106_s_parameters() -> None:
    # In a process of its own: the tests' processes hash with the cheapest parameters.
    stored = subprocess.run(
        [sys.executable, "-c", HASH_IN_A_PROCESS], capture_output=True, text=True, check=True
    ).stdout.strip()
    parameters = extract_parameters(stored)
    expected = profiles.RFC_9106_LOW_MEMORY
    assert parameters.type is Type.ID
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (
        expected.time_cost,
        expected.memory_cost,
        expected.parallelism,
    )
    assert verify_password(stored, "s3cret")
    assert not verify_password(stored, "S3cret")


def test_a_damaged_hash_is_a_wrong_password_not_an_error() -> None:
    assert not verify_password("$argon2id$v=19$garbage", "s3cret")
    assert verify_password(hash_password("s3cret"), "s3cret")
