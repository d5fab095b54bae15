"""What ``convergence broker config`` writes: Mosquitto's own formats, secrets kept private."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

from convergence.broker.configuration import (
    ADMIN_USERNAME,
    INGEST_USERNAME,
    BrokerPlan,
    TlsFiles,
    find_plugin,
    hash_password,
    write_configuration,
)
from tests.broker.secured import Login, connect_code, read_env_file, secured_broker
from tests.ingest.brokers import missing


def _plan(directory: Path, **changes: object) -> BrokerPlan:
    plugin = find_plugin()
    if plugin is None:
        missing("Mosquitto's dynamic-security plugin")
    assert plugin is not None
    return BrokerPlan(directory=directory, plugin=plugin, **changes)  # type: ignore[arg-type]


def _settings(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(" ")
            found.setdefault(name, []).append(value)
    return found


def test_the_password_hash_is_the_one_mosquitto_ctrl_writes(tmp_path: Path) -> None:
    binary = shutil.which("mosquitto_ctrl")
    if binary is None:
        missing("mosquitto_ctrl")
    assert binary is not None
    target = tmp_path / "reference.json"
    subprocess.run([binary, "dynsec", "init", str(target), "admin", "s3cret-pw"], check=True,
                   capture_output=True)  # fmt: skip
    [client] = json.loads(target.read_text())["clients"]
    salt = base64.b64decode(client["salt"])
    assert (
        hash_password("s3cret-pw", salt=salt, iterations=client["iterations"])
        == (client["password"])
    )


def test_no_anonymous_access_persistence_and_queues_for_the_ingest_workers(
    tmp_path: Path,
) -> None:
    written = write_configuration(_plan(tmp_path / "broker"))
    conf = _settings(written.config_file.read_text())
    assert conf["allow_anonymous"] == ["false"]
    assert conf["per_listener_settings"] == ["false"]
    assert conf["plugin"][0].endswith("mosquitto_dynamic_security.so")
    assert conf["plugin_opt_config_file"] == [str(written.dynsec_file.resolve())]
    assert conf["persistence"] == ["true"]
    assert int(conf["max_queued_messages"][0]) >= 100_000
    assert conf["listener"] == ["1883 127.0.0.1", "8883 0.0.0.0"]
    assert conf["use_username_as_clientid"] == ["true"]
    assert "certfile" not in conf
    assert written.dynsec_file.stat().st_mode & 0o777 == 0o600
    assert written.env_file is not None
    assert written.env_file.stat().st_mode & 0o777 == 0o600
    env = read_env_file(written.env_file)
    assert env["CONVERGENCE_MQTT_USERNAME"] == INGEST_USERNAME
    assert env["CONVERGENCE_BROKER_ADMIN_USERNAME"] == ADMIN_USERNAME
    assert len(env["CONVERGENCE_MQTT_PASSWORD"]) >= 40
    dynsec = json.loads(written.dynsec_file.read_text())
    assert env["CONVERGENCE_MQTT_PASSWORD"] not in written.dynsec_file.read_text()
    assert dynsec["defaultACLAccess"]["publishClientSend"] is False
    assert dynsec["defaultACLAccess"]["subscribe"] is False


def test_writing_again_keeps_the_accounts_unless_asked(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "broker")
    write_configuration(plan)
    accounts = plan.dynsec_file.read_text()
    again = write_configuration(plan)
    assert (again.accounts_created, again.env_file) == (False, None)
    assert plan.dynsec_file.read_text() == accounts
    renewed = write_configuration(plan, renew_accounts=True)
    assert renewed.accounts_created
    assert plan.dynsec_file.read_text() != accounts


def _self_signed(directory: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        missing("openssl")
    assert openssl is not None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_the_device_listener_speaks_tls_when_a_certificate_is_given(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    plan = _plan(tmp_path / "written", tls=TlsFiles(cert, key))
    assert _settings(write_configuration(plan).config_file.read_text())["certfile"] == [
        str(cert.resolve())
    ]
    with secured_broker(tmp_path / "broker", "--certfile", str(cert), "--keyfile", str(key)) as b:
        login = Login(
            b.settings["CONVERGENCE_MQTT_USERNAME"], b.settings["CONVERGENCE_MQTT_PASSWORD"]
        )
        assert connect_code(b.device_port, login, ca_file=cert) == "Success"
        assert connect_code(b.device_port, Login(), ca_file=cert) == "Not authorized"
        assert connect_code(b.device_port, login) == "no answer"  # in clear: no MQTT at all
