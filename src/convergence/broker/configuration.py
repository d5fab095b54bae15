"""``convergence broker config``: a complete Mosquitto 2 configuration the platform owns.

Two listeners: one on the loopback for the platform's own processes (the ingest workers and
the dynamic-security administrator), one for devices and network servers — TLS when a
certificate is given — where the client id is forced to the username, so that nobody can
take over another client's session (and with it the ingest workers' queue). No anonymous
access; every login is checked by the dynamic-security plugin, whose file starts with two
accounts: the administrator the platform issues credentials through, and the ingest workers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from typing import Any

from convergence.errors import InvalidInput
from convergence.ingest.topics import default_topics

ADMIN_USERNAME = "convergence-admin"
INGEST_USERNAME = "convergence-ingest"
ADMIN_ROLE = "convergence-admin"
INGEST_ROLE = "convergence-ingest"
PLUGIN_NAME = "mosquitto_dynamic_security.so"
# Where distributions install the plugin (Debian and Ubuntu multi-arch, then source builds).
PLUGIN_GLOBS = (
    "/usr/lib/*/mosquitto_dynamic_security.so",
    "/usr/lib/mosquitto_dynamic_security.so",
    "/usr/local/lib/mosquitto_dynamic_security.so",
)
# Mosquitto's own scheme for dynamic-security passwords: PBKDF2-HMAC-SHA512, 12-byte salt.
# The passwords it protects are 32 random bytes, so the iteration count guards nothing that
# a dictionary could find; Mosquitto's default is kept so every login stays cheap.
HASH_ITERATIONS = 101
SALT_BYTES = 12


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """The device listener's certificate chain and key (PEM), and a CA for client certificates."""

    certfile: Path
    keyfile: Path
    cafile: Path | None = None


@dataclass(frozen=True, slots=True)
class BrokerPlan:
    """What ``broker config`` writes; every limit has a default fit for ingestion."""

    directory: Path
    plugin: Path
    local_port: int = 1883
    device_port: int = 8883
    device_bind: str = "0.0.0.0"  # devices reach the broker from the network
    tls: TlsFiles | None = None
    # Per client: what an ingest worker may have queued while it restarts (Mosquitto's
    # default of 1,000 silently dropped 8,645 messages of a 20,000-message burst).
    max_queued_messages: int = 1_000_000
    max_inflight_messages: int = 1000
    max_packet_size: int = 1_048_576
    autosave_interval_s: int = 60
    persistent_client_expiration: str = "14d"
    # Started as root, Mosquitto becomes this user: it must own the directory's files.
    user: str = "mosquitto"
    topics: tuple[str, ...] = field(default_factory=default_topics)

    @property
    def config_file(self) -> Path:
        return self.directory / "mosquitto.conf"

    @property
    def dynsec_file(self) -> Path:
        return self.directory / "dynamic-security.json"

    @property
    def env_file(self) -> Path:
        return self.directory / "convergence-broker.env"

    @property
    def persistence_dir(self) -> Path:
        return self.directory / "data"


@dataclass(frozen=True, slots=True)
class Written:
    """The files written; the passwords are set only when the accounts were created."""

    config_file: Path
    dynsec_file: Path
    env_file: Path | None
    accounts_created: bool


def find_plugin() -> Path | None:
    """The dynamic-security plugin installed with Mosquitto, if one is found."""
    for pattern in PLUGIN_GLOBS:
        for match in sorted(glob(pattern)):
            return Path(match)
    return None


def hash_password(password: str, *, salt: bytes, iterations: int = HASH_ITERATIONS) -> str:
    """The password as the dynamic-security plugin stores it (base64 of PBKDF2-SHA512)."""
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return base64.b64encode(digest).decode()


def mosquitto_conf(plan: BrokerPlan) -> str:
    """The text of mosquitto.conf for ``plan``."""
    lines = [
        "# Written by `convergence broker config`; run it again rather than editing this file.",
        "per_listener_settings false",
        f"user {plan.user}",
        "allow_anonymous false",
        f"plugin {plan.plugin}",
        f"plugin_opt_config_file {plan.dynsec_file.resolve()}",
        "",
        "# Queued messages survive a restart of the broker (saved every autosave_interval s).",
        "persistence true",
        f"persistence_location {plan.persistence_dir.resolve()}/",
        f"autosave_interval {plan.autosave_interval_s}",
        f"persistent_client_expiration {plan.persistent_client_expiration}",
        "",
        "# What an ingest worker may have waiting while it restarts: nothing is dropped below.",
        f"max_queued_messages {plan.max_queued_messages}",
        "max_queued_bytes 0",
        f"max_inflight_messages {plan.max_inflight_messages}",
        f"max_packet_size {plan.max_packet_size}",
        "",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "connection_messages true",
        "",
        "# The platform's own processes (ingest workers, the dynamic-security administrator).",
        f"listener {plan.local_port} 127.0.0.1",
        "",
        "# Devices and network servers: the client id is the username, so no client can take",
        "# over another's session.",
        f"listener {plan.device_port} {plan.device_bind}",
        "use_username_as_clientid true",
    ]
    if plan.tls is not None:
        lines += [
            f"certfile {plan.tls.certfile.resolve()}",
            f"keyfile {plan.tls.keyfile.resolve()}",
            "tls_version tlsv1.2",
        ]
        if plan.tls.cafile is not None:
            lines += [f"cafile {plan.tls.cafile.resolve()}"]
    return "\n".join(lines) + "\n"


def _client(username: str, password: str, role: str, text_name: str) -> dict[str, Any]:
    salt = secrets.token_bytes(SALT_BYTES)
    return {
        "username": username,
        "textName": text_name,
        "password": hash_password(password, salt=salt),
        "salt": base64.b64encode(salt).decode(),
        "iterations": HASH_ITERATIONS,
        "roles": [{"rolename": role}],
    }


def _acl(acltype: str, topic: str) -> dict[str, Any]:
    return {"acltype": acltype, "topic": topic, "allow": True}


def dynamic_security(
    plan: BrokerPlan, *, admin_password: str, ingest_password: str
) -> dict[str, Any]:
    """The plugin's first file: the administrator, the ingest workers, nothing for anyone else."""
    control = "$CONTROL/dynamic-security/#"
    ingest_acls = [_acl("subscribePattern", topic) for topic in plan.topics]
    ingest_acls += [_acl("subscribePattern", f"$share/+/{topic}") for topic in plan.topics]
    ingest_acls += [_acl("unsubscribePattern", "#"), _acl("unsubscribePattern", "$share/#")]
    return {
        "clients": [
            _client(ADMIN_USERNAME, admin_password, ADMIN_ROLE, "Convergence (credentials)"),
            _client(INGEST_USERNAME, ingest_password, INGEST_ROLE, "Convergence (ingestion)"),
        ],
        "groups": [],
        "roles": [
            {
                "rolename": ADMIN_ROLE,
                "acls": [
                    _acl("publishClientSend", control),
                    _acl("publishClientReceive", control),
                    _acl("subscribePattern", control),
                ],
            },
            {"rolename": INGEST_ROLE, "acls": ingest_acls},
        ],
        # Nothing is allowed that a role does not grant; receiving is checked at subscribe.
        "defaultACLAccess": {
            "publishClientSend": False,
            "publishClientReceive": True,
            "subscribe": False,
            "unsubscribe": False,
        },
    }


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` readable by its owner only (it holds secrets or their hashes)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    path.chmod(0o600)


def env_text(plan: BrokerPlan, *, admin_password: str, ingest_password: str) -> str:
    """The settings the platform's processes need to log in (for its .env file)."""
    return (
        "# Written by `convergence broker config`: add these lines to the platform's .env.\n"
        "CONVERGENCE_MQTT_HOST=127.0.0.1\n"
        f"CONVERGENCE_MQTT_PORT={plan.local_port}\n"
        f"CONVERGENCE_MQTT_USERNAME={INGEST_USERNAME}\n"
        f"CONVERGENCE_MQTT_PASSWORD={ingest_password}\n"
        f"CONVERGENCE_BROKER_ADMIN_USERNAME={ADMIN_USERNAME}\n"
        f"CONVERGENCE_BROKER_ADMIN_PASSWORD={admin_password}\n"
    )


def write_configuration(plan: BrokerPlan, *, renew_accounts: bool = False) -> Written:
    """Write mosquitto.conf; create the plugin's file and the accounts if absent (or renewed)."""
    _check(plan)
    plan.directory.mkdir(parents=True, exist_ok=True)
    plan.persistence_dir.mkdir(mode=0o700, exist_ok=True)
    plan.config_file.write_text(mosquitto_conf(plan))
    if plan.dynsec_file.exists() and not renew_accounts:
        return Written(plan.config_file, plan.dynsec_file, None, accounts_created=False)
    admin_password, ingest_password = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    document = dynamic_security(
        plan, admin_password=admin_password, ingest_password=ingest_password
    )
    _write_private(plan.dynsec_file, json.dumps(document, indent=2) + "\n")
    _write_private(
        plan.env_file,
        env_text(plan, admin_password=admin_password, ingest_password=ingest_password),
    )
    return Written(plan.config_file, plan.dynsec_file, plan.env_file, accounts_created=True)


def _check(plan: BrokerPlan) -> None:
    if not plan.plugin.exists():
        raise InvalidInput(
            f"greffon de sécurité dynamique introuvable : {plan.plugin} (installez Mosquitto 2 "
            f"ou donnez --plugin) / dynamic-security plugin not found: {plan.plugin}"
        )
    if plan.local_port == plan.device_port:
        raise InvalidInput(
            "--local-port et --device-port doivent différer / the two listeners need two ports"
        )
    for path in (plan.tls.certfile, plan.tls.keyfile) if plan.tls else ():
        if not path.is_file():
            raise InvalidInput(f"fichier TLS introuvable / TLS file not found: {path}")
