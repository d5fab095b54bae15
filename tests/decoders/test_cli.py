"""`convergence decode`: decoded data and readings, or a one-line reason and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from convergence.cli.decode import decode

CODECS = Path(__file__).parent / "codecs"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    # The command as the lead wires it into `convergence`: a sub-command of a group.
    group = typer.Typer()
    group.command("decode")(decode)
    group.callback()(lambda: None)
    return group


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["decode", *args], env={"COLUMNS": "160"})
    return result.exit_code, result.output


def test_decodes_and_shows_normalised_readings(app: typer.Typer) -> None:
    code, output = run(app, "elsys", "1", "0100e202290400270506060308")

    assert code == 0
    assert '"co2": 776' in output
    assert "relative_humidity" in output
    assert "unmapped" in output


def test_decodes_with_a_javascript_codec_file(app: typer.Typer) -> None:
    code, output = run(
        app, "acme-th", "1", "00e255", "--js", str(CODECS / "temperature_humidity.js")
    )

    assert code == 0
    assert '"humidity": 42.5' in output


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("cayene-lpp", "1", "00"), "Did you mean: cayenne-lpp"),
        (("elsys", "1", "zz"), "not hexadecimal"),
        (("dragino-ldds75", "42", "0e1c0b05"), "the codec reported: unknown FPort"),
        (("cayenne-lpp", "1", "0167"), "payload truncated"),
        (("elsys", "300", "00"), "outside 0–255"),
        (("loop", "1", "00", "--js", str(CODECS / "infinite_loop.js")), "CPU time limit"),
    ],
)
def test_errors_exit_2_with_a_one_line_reason(
    app: typer.Typer, args: tuple[str, ...], reason: str
) -> None:
    code, output = run(app, *args)

    assert code == 2
    assert reason in output
    assert len(output.strip().splitlines()) == 1


def test_a_javascript_codec_file_alone_needs_no_codec_id(app: typer.Typer) -> None:
    code, output = run(app, "1", "00e255", "--js", str(CODECS / "temperature_humidity.js"))

    assert code == 0, output
    assert '"humidity": 42.5' in output


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("function decodeUplink(input) { return {data: 5}; }", "invalid data"),
        ("function decodeUplink(input) { return {data: {a: 1}, warnings: 3}; }", "warnings"),
        ("this is not javascript(", "does not load"),
        ("var x = 1;", "defines no decodeUplink"),
    ],
)
def test_a_bad_codec_file_gets_one_line_never_a_traceback(
    app: typer.Typer, tmp_path: Path, source: str, reason: str
) -> None:
    codec = tmp_path / "bad.js"
    codec.write_text(source, encoding="utf-8")

    code, output = run(app, "1", "00", "--js", str(codec))

    assert code == 2
    assert reason in output
    assert len(output.strip().splitlines()) == 1
    assert "Traceback" not in output


def test_missing_arguments_or_file_get_one_line(app: typer.Typer, tmp_path: Path) -> None:
    for args in (("1", "00"), ("1", "00", "--js", str(tmp_path / "absent.js"))):
        code, output = run(app, *args)
        assert code == 2
        assert len(output.strip().splitlines()) == 1


def test_an_invalid_codec_id_is_a_clear_error_not_a_traceback(app: typer.Typer) -> None:
    # Finding 9 of #13: a codec id the manifest refuses printed a pydantic traceback.
    code, out = run(app, "X", "1", "00", "--js", str(CODECS / "temperature_humidity.js"))
    assert code == 2
    assert "String should match pattern '^[a-z0-9][a-z0-9._-]" in out
    assert len(out.strip().splitlines()) == 1
    assert "Traceback" not in out
