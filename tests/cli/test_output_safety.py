"""The command line never destroys the user's data, and never prints a raw traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from synthtab.cli import app as cli
from synthtab.io import write_table
from tests.cli.test_cli import assert_error, make_people

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("safety")


@pytest.fixture(scope="module")
def data_csv(folder: Path) -> Path:
    return write_table(make_people(), folder / "people.csv")


@pytest.fixture(scope="module")
def model_file(folder: Path, data_csv: Path) -> Path:
    out = folder / "people.synth"
    assert invoke("fit", data_csv, "-m", "marginals", "-o", out).exit_code == 0
    return out


def test_fit_refuses_to_write_over_its_input(data_csv: Path) -> None:
    before = data_csv.read_bytes()
    result = invoke("fit", data_csv, "-m", "marginals", "-o", data_csv)
    assert_error(result, f"The model file '{data_csv}' ends in '.csv'; a model file must end "
                 "in '.synth' (for example 'people.synth').")  # fmt: skip
    assert data_csv.read_bytes() == before


def test_an_output_that_is_an_input_is_refused_whatever_its_suffix(
    folder: Path, model_file: Path
) -> None:
    alias = folder / "alias.synth"
    alias.symlink_to(model_file)
    result = invoke("fit", alias, "-m", "marginals", "-o", model_file, "--overwrite")
    assert result.exit_code == 2
    assert "is also an input of this command" in result.stderr


def test_evaluate_refuses_to_write_its_report_over_the_real_table(
    data_csv: Path, folder: Path
) -> None:
    before = data_csv.read_bytes()
    result = invoke("evaluate", data_csv, data_csv, "--report", data_csv)
    assert result.exit_code == 2
    assert "must end in '.html' or '.htm'" in result.stderr
    assert data_csv.read_bytes() == before
    json_out = folder / "scores.json"
    same = invoke("evaluate", data_csv, data_csv, "--json", json_out, "--report", json_out)
    assert "must end in '.html'" in same.stderr


def test_an_existing_output_needs_overwrite(folder: Path, data_csv: Path, model_file: Path) -> None:
    before = model_file.read_bytes()
    result = invoke("fit", data_csv, "-m", "marginals", "-o", model_file)
    assert_error(result, f"The model file '{model_file}' already exists. Pass --overwrite to "
                 "replace it, or choose another path.")  # fmt: skip
    assert model_file.read_bytes() == before
    rows = folder / "rows.csv"
    assert invoke("sample", model_file, "-n", 10, "-o", rows).exit_code == 0
    again = invoke("sample", model_file, "-n", 10, "-o", rows)
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    replaced = invoke("sample", model_file, "-n", 20, "-o", rows, "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert len(rows.read_text().splitlines()) == 21


def test_rebalance_refuses_to_write_over_its_input(data_csv: Path) -> None:
    result = invoke("rebalance", data_csv, "-t", "city", "-o", data_csv, "--overwrite")
    assert result.exit_code == 2
    assert "is also an input of this command" in result.stderr


def test_sampling_more_rows_than_the_disk_holds_is_refused_up_front(
    model_file: Path, folder: Path
) -> None:
    out = folder / "huge.csv"
    result = invoke("sample", model_file, "-n", 10**15, "-o", out)
    assert result.exit_code == 2
    assert "at the least, but its disk has" in result.stderr
    assert not out.exists()


def test_flags_show_no_value_placeholder() -> None:
    for command in (["--help"], ["fit", "--help"], ["sample", "--help"], ["evaluate", "--help"]):
        shown = runner.invoke(cli.app, command, terminal_width=120).output
        assert "<bool>" not in shown
    assert "--overwrite" in runner.invoke(cli.app, ["fit", "--help"]).output


def test_an_error_outside_synthtab_is_one_line_not_a_traceback(monkeypatch, capsys) -> None:
    def broken() -> None:
        raise TypeError("unsupported operand")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("SYNTHTAB_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Unexpected error (TypeError): unsupported operand" in err
    assert "SYNTHTAB_DEBUG=1" in err
    assert "Traceback" not in err
    monkeypatch.setenv("SYNTHTAB_DEBUG", "1")
    with pytest.raises(TypeError):
        cli.main()
