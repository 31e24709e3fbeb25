"""Constraints from a TOML or YAML file, for the command line.

One table per rule, its kind being a registered constraint name::

    [[constraint]]
    kind = "inequality"
    low = "mean radius"
    high = "worst radius"

    [[constraint]]
    kind = "fixed_combinations"
    columns = ["city", "country"]

Custom ``predicate`` rules hold code and cannot come from a file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from synthtab.constraints.base import Constraint, constraint_registry
from synthtab.errors import DataSourceError, InvalidParameterError, SynthtabError


def load_constraints(path: str | os.PathLike[str]) -> list[Constraint]:
    """Read the rules listed in a ``.toml``, ``.yaml`` or ``.yml`` file."""
    document = _read(Path(path))
    entries = document.get("constraint", []) if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InvalidParameterError(
            f"'{path}' must hold a list of tables named 'constraint' ([[constraint]] in TOML, "
            "'constraint:' with a list in YAML)."
        )
    return [_build(dict(entry), i + 1, path) for i, entry in enumerate(entries)]


def constraints_to_toml(rules: Sequence[Constraint]) -> str:
    """The rules as a constraints file that :func:`load_constraints` reads back.

    >>> from synthtab.constraints import Inequality
    >>> print(constraints_to_toml([Inequality("opened", "closed", strict=True)]))
    [[constraint]]
    kind = "inequality"
    low = "opened"
    high = "closed"
    strict = true
    <BLANKLINE>
    """
    blocks = []
    for rule in rules:
        if rule.holds_code:
            raise InvalidParameterError(
                f"{rule!r} holds code, which a constraints file never stores; keep it in Python."
            )
        lines = ["[[constraint]]"]
        for key, value in rule.to_dict().items():
            if value is not None:  # TOML has no null: an absent key takes the default
                lines.append(f"{key} = {_toml_value(value)}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string


def _read(path: Path) -> Any:
    if not path.is_file():
        raise DataSourceError(f"The constraints file '{path}' does not exist.")
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            import tomllib

            return tomllib.loads(path.read_text(encoding="utf-8"))
        if suffix in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:  # tomllib and yaml errors derive from ValueError
        raise DataSourceError(f"Cannot read the constraints file '{path}': {exc}") from None
    raise DataSourceError(f"The constraints file '{path}' must end in .toml, .yaml or .yml.")


def _build(entry: dict[str, Any], number: int, path: str | os.PathLike[str]) -> Constraint:
    where = f"constraint {number} in '{path}'"
    kind = entry.pop("kind", None)
    if kind is None:
        raise InvalidParameterError(f'The {where} names no kind (kind = "inequality", ...).')
    cls = constraint_registry.get(kind).load()
    if cls.holds_code:
        raise InvalidParameterError(
            f"The {where} is a {kind}: custom rules hold code, which synthtab never reads "
            f"from a file. Use the Python API: {cls.__name__}(columns, fn)."
        )
    try:
        return cls(**entry)
    except TypeError as exc:
        raise InvalidParameterError(f"The {where} ({kind}) has wrong fields: {exc}.") from None
    except SynthtabError as exc:
        raise InvalidParameterError(f"The {where}: {exc}") from None
