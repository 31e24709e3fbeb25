"""The model registry: every model (and preset) by its short name.

Statistical models register on import of :mod:`synthtab.models`; neural ones
are lazy entries so that torch is imported only when one is used. Plugins
register through the ``synthtab.models`` entry-point group, and a user's
script with ``@model_registry.register("name")`` on a :class:`Model` subclass.
Every list of models with some ability (private, conditional, on torch) is
asked of this registry, never written out by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec
from typing import Any

from synthtab.models.base import Capabilities, Model
from synthtab.registry import Registry


class ModelRegistry(Registry[Model]):
    """The registry of models, which also answers what each model can do."""

    def capabilities(self, name: str) -> Capabilities:
        """What model ``name`` declares it can do, without importing torch for it."""
        entry = self.get(name)
        if entry.capabilities is not None:
            return entry.capabilities
        return entry.load().capabilities

    def names_where(self, wanted: Callable[[Capabilities], bool]) -> list[str]:
        """The registered models whose capabilities satisfy ``wanted``, sorted."""
        return [name for name in self.names() if wanted(self.capabilities(name))]

    def available(self, name: str) -> bool:
        """Whether model ``name`` can be built here (torch installed where it needs it)."""
        return not self.capabilities(name).needs_torch or find_spec("torch") is not None

    def fast_params(self, name: str) -> dict[str, Any]:
        """Model ``name``'s ``Params.fast()`` overrides (for tests and smoke runs)."""
        return dict(self.get(name).load().Params.fast())


model_registry = ModelRegistry("model")
