"""Registries: build any model, encoder or metric from a short name.

An entry is a class plus a *preset* (default parameters), so one class can
serve several names (``wgan`` and ``wgan_gp`` are one GAN class with another
loss). Entries may be lazy (``"package.module:Class"``) so that importing
synthtab never imports torch. Third-party plugins register through the entry
point group ``synthtab.<registry name>``; a plugin that fails to import raises,
it is never skipped silently.

>>> from synthtab.registry import Registry
>>> colours = Registry("colour")
>>> @colours.register("red")
... class Red: ...
>>> colours.get("red").load() is Red
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from synthtab.errors import SynthtabError, UnknownNameError, did_you_mean

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered name: what it builds, and the parameters it presets."""

    name: str
    target: type[T] | str
    preset: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    #: What a lazy entry's class declares about itself, known without importing it
    #: (a model's ``Capabilities``); ``None`` means: ask the loaded class.
    capabilities: Any = None

    def load(self) -> type[T]:
        """The registered class, importing it on first use for lazy entries."""
        if not isinstance(self.target, str):
            return self.target
        module_name, _, attr = self.target.partition(":")
        try:
            return getattr(importlib.import_module(module_name), attr)
        except ImportError as exc:
            raise SynthtabError(
                f"'{self.name}' needs a package that is not installed ({exc.name}). "
                f"Install it, for example with: pip install 'synthtab[neural]'."
            ) from exc


class Registry(Generic[T]):
    """Names to classes, with presets, lazy entries and "did you mean" on typos."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry[T]] = {}
        self._plugins_loaded = False

    def register(
        self, name: str, *, preset: Mapping[str, Any] | None = None, description: str = ""
    ) -> Callable[[type[T]], type[T]]:
        """Class decorator registering ``name`` (with an optional preset)."""

        def decorate(cls: type[T]) -> type[T]:
            self.add(name, cls, preset=preset, description=description)
            return cls

        return decorate

    def add(
        self,
        name: str,
        target: type[T] | str,
        *,
        preset: Mapping[str, Any] | None = None,
        description: str = "",
        capabilities: Any = None,
    ) -> None:
        """Register ``target`` (a class, or ``"module:Class"`` for a lazy import)."""
        if name in self._entries:
            raise SynthtabError(f"The {self.kind} name '{name}' is already registered.")
        frozen_preset = MappingProxyType(dict(preset or {}))
        self._entries[name] = Entry(name, target, frozen_preset, description, capabilities)

    def remove(self, name: str) -> None:
        """Forget ``name`` (a user's script or a test that registered a class of its own)."""
        self.get(name)
        del self._entries[name]

    def get(self, name: str) -> Entry[T]:
        """The entry called ``name``; an :class:`UnknownNameError` lists the choices."""
        self._load_plugins()
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            names = sorted(self._entries)
            raise UnknownNameError(
                f"Unknown {self.kind} '{name}'.{did_you_mean(str(name), names)} "
                f"Choose one of: {', '.join(names)}."
            ) from None

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        self._load_plugins()
        return sorted(self._entries)

    def __iter__(self) -> Iterator[Entry[T]]:
        return iter(self.get(name) for name in self.names())

    def __contains__(self, name: object) -> bool:
        self._load_plugins()
        return name in self._entries

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for point in entry_points(group=f"synthtab.{self.kind}s"):
            if point.name not in self._entries:
                self.add(point.name, point.value.replace(" ", ""))
