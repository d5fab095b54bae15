"""``convergence broker``: the platform's Mosquitto — its configuration and member logins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table

from convergence.broker import credentials
from convergence.broker.configuration import BrokerPlan, TlsFiles, find_plugin, write_configuration
from convergence.broker.dynsec import BrokerAddress, Dynsec, connect
from convergence.cli.context import CLI_ACTOR, console, fail, handle_errors, open_engine
from convergence.members.queries import find_member
from convergence.members.scope import command_line_scope
from convergence.settings import get_settings

app = typer.Typer(
    help="Broker MQTT de la plateforme : configuration et identifiants.", no_args_is_help=True
)
credentials_app = typer.Typer(help="Identifiants MQTT des adhérents.", no_args_is_help=True)
app.add_typer(credentials_app, name="credentials")


@app.command("config")
@handle_errors
def config(
    directory: Path = typer.Option(..., "--directory", "-d", help="Where to write the files"),
    local_port: int = typer.Option(1883, help="Loopback listener of the platform's processes"),
    device_port: int = typer.Option(8883, help="Listener of devices and network servers"),
    bind: str = typer.Option("0.0.0.0", help="Address of the device listener"),
    certfile: Path = typer.Option(None, help="TLS certificate chain (PEM) of the device listener"),
    keyfile: Path = typer.Option(None, help="TLS private key (PEM) of the device listener"),
    cafile: Path = typer.Option(None, help="CA of client certificates (optional)"),
    max_queued_messages: int = typer.Option(
        1_000_000, min=10_000, help="Messages the broker keeps per client while it is away"
    ),
    plugin: Path = typer.Option(None, help="mosquitto_dynamic_security.so (found if omitted)"),
    user: str = typer.Option("mosquitto", help="User Mosquitto runs as (it must own the files)"),
    renew_accounts: bool = typer.Option(
        False, help="Replace dynamic-security.json: new passwords, every member login lost"
    ),
) -> None:
    """Write mosquitto.conf and, the first time, the dynamic-security file and the accounts."""
    if (certfile is None) != (keyfile is None):
        raise fail("--certfile et --keyfile vont ensemble / give both --certfile and --keyfile")
    found = plugin or find_plugin()
    if found is None:
        raise fail("greffon mosquitto_dynamic_security.so introuvable : donnez --plugin")
    plan = BrokerPlan(
        directory=directory,
        plugin=found,
        local_port=local_port,
        device_port=device_port,
        device_bind=bind,
        tls=TlsFiles(certfile, keyfile, cafile) if certfile and keyfile else None,
        max_queued_messages=max_queued_messages,
        user=user,
    )
    written = write_configuration(plan, renew_accounts=renew_accounts)
    console.print(f"Configuration écrite : {written.config_file}")
    if written.env_file is not None:
        console.print(
            f"Comptes créés dans {written.dynsec_file}. Les identifiants de la plateforme sont "
            f"dans {written.env_file} (lisible par vous seul) : ajoutez-les à son .env."
        )
    else:
        console.print(
            f"Comptes conservés : {written.dynsec_file} (--renew-accounts pour les refaire)"
        )
    if plan.tls is None:
        console.print(
            f"[yellow]Attention :[/] sans --certfile/--keyfile, le port {device_port} n'est pas "
            "chiffré ; les mots de passe des capteurs y circulent en clair."
        )
    console.print(
        f"Donnez les fichiers à {user} (chown -R {user}: {directory}), puis démarrez : "
        f"mosquitto -c {written.config_file}"
    )


@contextmanager
def _dynsec() -> Iterator[Dynsec]:
    settings = get_settings()
    if settings.broker_admin_password is None:
        raise fail(
            "CONVERGENCE_BROKER_ADMIN_PASSWORD n'est pas défini (voir le fichier "
            "convergence-broker.env écrit par `convergence broker config`)"
        )
    address = BrokerAddress(
        host=settings.mqtt_host,
        port=settings.mqtt_port,
        username=settings.broker_admin_username,
        password=settings.broker_admin_password.get_secret_value(),
        ca_file=settings.mqtt_tls_ca_file,
    )
    with connect(address) as dynsec:
        yield dynsec


@credentials_app.command("issue")
@handle_errors
def issue(
    member: str = typer.Argument(..., help="Member id, SIREN, INSEE code or name"),
    name: str = typer.Option("capteurs", help="What the login is for (a gateway, a server)"),
) -> None:
    """Create a login that may publish under the member's topics only; printed once."""
    with open_engine() as engine, engine.begin() as conn, _dynsec() as dynsec:
        target = find_member(conn, ref=member)
        issued = credentials.issue(
            conn, dynsec, scope=command_line_scope(CLI_ACTOR), member_id=target.id, label=name
        )
    console.print(f"Identifiant MQTT pour {target.name} — le mot de passe ne sera plus affiché :")
    console.print(f"utilisateur : {issued.username}", highlight=False)
    console.print(f"mot de passe : {issued.password}", highlight=False, soft_wrap=True)
    console.print("Sujets autorisés : " + ", ".join(issued.topics), highlight=False)


@credentials_app.command("revoke")
@handle_errors
def revoke(
    username: str = typer.Argument(..., help="Login (see `broker credentials list`)"),
) -> None:
    """Delete a login; the broker disconnects it at once."""
    with open_engine() as engine, engine.begin() as conn, _dynsec() as dynsec:
        credentials.revoke(conn, dynsec, scope=command_line_scope(CLI_ACTOR), username=username)
    console.print(f"Identifiant {username} supprimé.")


@credentials_app.command("list")
@handle_errors
def list_() -> None:
    """List the member logins on the broker (never their passwords)."""
    table = Table("utilisateur", "SIREN", "nom", "désactivé")
    with _dynsec() as dynsec:
        for login in credentials.list_logins(dynsec):
            table.add_row(login.username, login.siren, login.label, "oui" if login.disabled else "")
    console.print(table)


@credentials_app.command("sync")
@handle_errors
def sync() -> None:
    """Rewrite every member's topics from the database (after an integration changed)."""
    with open_engine() as engine, engine.begin() as conn, _dynsec() as dynsec:
        synced = credentials.sync_all(conn, dynsec, scope=command_line_scope(CLI_ACTOR))
    for siren, topics in synced.items():
        console.print(f"{siren} : {', '.join(topics)}", highlight=False)
