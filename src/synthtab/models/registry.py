"""The model registry: every model (and preset) by its short name.

Statistical models register on import of :mod:`synthtab.models`; neural ones
are lazy entries so that torch is imported only when one is used. Plugins
register through the ``synthtab.models`` entry-point group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from synthtab.registry import Registry

if TYPE_CHECKING:
    from synthtab.models.base import Model

model_registry: Registry[Model] = Registry("model")
