"""The registry: presets, lazy entries, typos, plugins that fail loudly."""

from __future__ import annotations

import pytest

from synthtab.errors import SynthtabError, UnknownNameError
from synthtab.registry import Registry


class Base:
    pass


def test_register_preset_and_lookup() -> None:
    registry: Registry[Base] = Registry("widget")

    @registry.register("plain")
    class Plain(Base):
        pass

    registry.add("loud", Plain, preset={"volume": 11}, description="turned up")
    assert registry.get("plain").load() is Plain
    assert registry.get("loud").load() is Plain
    assert dict(registry.get("loud").preset) == {"volume": 11}
    assert registry.names() == ["loud", "plain"]
    assert "plain" in registry and "quiet" not in registry


def test_preset_cannot_be_mutated() -> None:
    registry: Registry[Base] = Registry("widget")
    registry.add("a", Base, preset={"x": 1})
    with pytest.raises(TypeError):
        registry.get("a").preset["x"] = 2  # type: ignore[index]


def test_unknown_name_suggests_and_lists() -> None:
    registry: Registry[Base] = Registry("widget")
    registry.add("gaussian", Base)
    with pytest.raises(UnknownNameError) as info:
        registry.get("gausian")
    assert str(info.value) == (
        "Unknown widget 'gausian'. Did you mean 'gaussian'? Choose one of: gaussian."
    )
    assert isinstance(info.value, KeyError)


def test_duplicate_name_is_refused() -> None:
    registry: Registry[Base] = Registry("widget")
    registry.add("a", Base)
    with pytest.raises(SynthtabError, match="already registered"):
        registry.add("a", Base)


def test_lazy_entry_imports_on_load_and_explains_missing_packages() -> None:
    registry: Registry[object] = Registry("widget")
    registry.add("ordered", "collections:OrderedDict")
    registry.add("ghost", "surely_not_installed_pkg.models:Ghost")
    from collections import OrderedDict

    assert registry.get("ordered").load() is OrderedDict
    with pytest.raises(
        SynthtabError,
        match=r"needs a package that is not installed "
        r"\(surely_not_installed_pkg\)",
    ):
        registry.get("ghost").load()


def test_model_registry_has_statistical_models_with_capabilities() -> None:
    from synthtab.models import model_registry

    for name in ("marginals", "copula"):
        cls = model_registry.get(name).load()
        assert cls.capabilities.style.value in {"ordinal", "gaussian", "neural"}
        assert model_registry.get(name).description
