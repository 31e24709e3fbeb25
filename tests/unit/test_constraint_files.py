"""Constraints from TOML and YAML files."""

from __future__ import annotations

import pytest

from synthtab import FixedCombinations, Inequality, Range
from synthtab.constraints.config import load_constraints
from synthtab.errors import DataSourceError, InvalidParameterError


def test_toml_and_yaml_give_the_same_rules(tmp_path) -> None:
    toml = tmp_path / "rules.toml"
    toml.write_text(
        '[[constraint]]\nkind = "inequality"\nlow = "start"\nhigh = "end"\nstrict = true\n'
        '[[constraint]]\nkind = "range"\ncolumn = "share"\nlow = 0\nhigh = 1\n'
        '[[constraint]]\nkind = "fixed_combinations"\ncolumns = ["city", "country"]\n'
    )
    yaml = tmp_path / "rules.yaml"
    yaml.write_text(
        "constraint:\n"
        "  - {kind: inequality, low: start, high: end, strict: true}\n"
        "  - {kind: range, column: share, low: 0, high: 1}\n"
        "  - {kind: fixed_combinations, columns: [city, country]}\n"
    )
    expected = [
        Inequality("start", "end", strict=True),
        Range("share", 0, 1),
        FixedCombinations(["city", "country"]),
    ]
    assert load_constraints(toml) == expected
    assert load_constraints(yaml) == expected


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("r.toml", "constraint = 3\n", InvalidParameterError, "must hold a list of tables"),
        ("r.toml", "[[constraint]]\nlow = 'a'\n", InvalidParameterError, "names no kind"),
        ("r.toml", "[[constraint]\n", DataSourceError, "Cannot read the constraints file"),
        ("r.json", "{}", DataSourceError, "must end in .toml, .yaml or .yml"),
    ],
)
def test_bad_files_are_clear(tmp_path, name, content, error, message) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(error, match=message):
        load_constraints(path)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(DataSourceError, match="does not exist"):
        load_constraints(tmp_path / "none.toml")
