"""Parameter rules declared once, next to each parameter.

A model's ``Params`` is a frozen, keyword-only dataclass whose fields carry a
rule; building it validates every field and names the model in the message:

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, kw_only=True)
... class DemoParams(ModelParams):
...     owner = "Demo"
...     epochs: int = param(300, Int(1))
>>> DemoParams(epochs=0)
Traceback (most recent call last):
...
synthtab.errors.InvalidParameterError: The 'epochs' parameter of Demo must be an int in [1, inf)...
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, ClassVar, Self

from synthtab.errors import InvalidParameterError, did_you_mean


class Rule:
    """A constraint on one parameter value."""

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


def _bounds(low: float | None, high: float | None, closed_low: bool, closed_high: bool) -> str:
    left = "[" if closed_low and low is not None else "("
    right = "]" if closed_high and high is not None else ")"
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    return f"{left}{lo}, {hi}{right}"


@dataclass(frozen=True)
class Int(Rule):
    """An int (not a bool) in [low, high]."""

    low: int | None = None
    high: int | None = None

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def describe(self) -> str:
        return f"an int in {_bounds(self.low, self.high, True, True)}"


@dataclass(frozen=True)
class Real(Rule):
    """A finite real number between low and high (open or closed ends)."""

    low: float | None = None
    high: float | None = None
    closed_low: bool = True
    closed_high: bool = True

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if not math.isfinite(value):
            return False
        above = self.low is None or (value >= self.low if self.closed_low else value > self.low)
        below = self.high is None or (value <= self.high if self.closed_high else value < self.high)
        return above and below

    def describe(self) -> str:
        return f"a float in {_bounds(self.low, self.high, self.closed_low, self.closed_high)}"


@dataclass(frozen=True)
class OneOf(Rule):
    """One of a closed set of values."""

    choices: tuple[Any, ...]

    def accepts(self, value: Any) -> bool:
        return value in self.choices

    def describe(self) -> str:
        return "one of " + ", ".join(repr(c) for c in self.choices)


@dataclass(frozen=True)
class Choice(Rule):
    """A member of a string enum, or its value (stored as the member).

    >>> from enum import StrEnum
    >>> class Colour(StrEnum):
    ...     RED = "red"
    >>> Choice(Colour).normalise("red") is Colour.RED
    True
    """

    enum: type[StrEnum]

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value in {m.value for m in self.enum}

    def normalise(self, value: Any) -> Any:
        return self.enum(value)

    def describe(self) -> str:
        return "one of " + ", ".join(repr(m.value) for m in self.enum)


@dataclass(frozen=True)
class Optional(Rule):
    """``None`` or a value the inner rule accepts."""

    inner: Rule

    def accepts(self, value: Any) -> bool:
        return value is None or self.inner.accepts(value)

    def describe(self) -> str:
        return f"None or {self.inner.describe()}"


@dataclass(frozen=True)
class Bool(Rule):
    """True or False."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool)

    def describe(self) -> str:
        return "a bool"


@dataclass(frozen=True)
class Sequence(Rule):
    """A non-empty list or tuple whose items the inner rule accepts (stored as a tuple)."""

    item: Rule

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, list | tuple) or not value:
            return False
        return all(self.item.accepts(v) for v in value)

    def describe(self) -> str:
        return f"a non-empty list, each item {self.item.describe()}"


@dataclass(frozen=True)
class Text(Rule):
    """A non-empty string."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and bool(value)

    def describe(self) -> str:
        return "a non-empty string"


def param(default: Any, rule: Rule, *, doc: str = "") -> Any:
    """A dataclass field with a default and a validation rule."""
    return field(default=default, metadata={"rule": rule, "doc": doc})


@dataclass(frozen=True, kw_only=True)
class ModelParams:
    """Base of every model's parameters: validated on construction, JSON-ready."""

    owner: ClassVar[str] = "this model"

    def __post_init__(self) -> None:
        for f in fields(self):
            rule: Rule | None = f.metadata.get("rule")
            value = getattr(self, f.name)
            if rule is not None and not rule.accepts(value):
                raise InvalidParameterError(
                    f"The '{f.name}' parameter of {self.owner} must be {rule.describe()}. "
                    f"Got {value!r} instead."
                )
            if isinstance(value, list):  # JSON gives lists; keep params hashable and equal
                object.__setattr__(self, f.name, tuple(value))
            elif isinstance(rule, Choice):  # JSON gives strings; keep the enum member
                object.__setattr__(self, f.name, rule.normalise(value))

    @classmethod
    def build(cls, values: Mapping[str, Any]) -> Self:
        """Build from a mapping; unknown names get a "did you mean" error."""
        known = [f.name for f in fields(cls)]
        for name in values:
            if name not in known:
                choices = ", ".join(known) if known else "none"
                raise InvalidParameterError(
                    f"{cls.owner} has no parameter '{name}'.{did_you_mean(name, known)} "
                    f"Its parameters are: {choices}."
                )
        return cls(**dict(values))

    @classmethod
    def fast(cls) -> dict[str, Any]:
        """Overrides (JSON values, as a model file stores them) that make a fit take well
        under a second on a small table.

        For tests and smoke runs (``Synthesizer(name, **Params.fast())``); applied over
        the registered preset. A model that is fast at its defaults returns ``{}``.
        """
        return {}

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a JSON-ready dict."""
        return dataclasses.asdict(self)
