"""Seeds flow from one root without global state; importing synthtab stays light."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from synthtab.errors import InvalidParameterError
from synthtab.random import SeedTree, check_seed


def test_named_children_are_reproducible_and_independent() -> None:
    a = SeedTree(1).rng("encoder").random(5)
    assert np.array_equal(a, SeedTree(1).rng("encoder").random(5))
    assert not np.array_equal(a, SeedTree(1).rng("model").random(5))
    assert not np.array_equal(a, SeedTree(2).rng("encoder").random(5))


def test_block_generators_differ_per_block_and_are_stable() -> None:
    tree = SeedTree(0).child("sample")
    first = tree.block_rng(0).random(3)
    assert np.array_equal(first, SeedTree(0).child("sample").block_rng(0).random(3))
    assert not np.array_equal(first, tree.block_rng(1).random(3))


def test_global_numpy_state_is_untouched() -> None:
    np.random.seed(123)  # noqa: NPY002
    expected = np.random.random()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    SeedTree(5).rng("x").random(10)
    assert np.random.random() == expected  # noqa: NPY002


@pytest.mark.parametrize("bad", [-1, 1.5, "3", None, True])
def test_bad_seeds_are_refused(bad) -> None:
    with pytest.raises(InvalidParameterError, match="must be a non-negative int"):
        check_seed(bad)


def test_import_synthtab_loads_neither_torch_nor_pandas() -> None:
    code = "import sys, synthtab; print('torch' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_top_level_exports_resolve_without_torch() -> None:
    code = (
        "import sys, synthtab; [getattr(synthtab, n) for n in synthtab.__all__]; "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
