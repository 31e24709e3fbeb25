"""One contract, run against every registered numeric and categorical encoder."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import synthtab.encoding.categorical
import synthtab.encoding.numeric  # noqa: F401  (registers the encoders)
from synthtab.encoding.base import (
    CategoricalEncoding,
    ColumnEncoder,
    NumericEncoding,
    categorical_encoders,
    numeric_encoders,
)
from synthtab.encoding.layout import Activation, Layout
from synthtab.errors import DataValidationError, NotFittedError

N_CATEGORIES = 5
COLUMN = "the column"
CASES = [("numeric", name) for name in numeric_encoders.names()] + [
    ("categorical", name) for name in categorical_encoders.names()
]


def build(kind: str, name: str) -> ColumnEncoder:
    """An unfitted encoder, as the table encoder builds it from the registry."""
    if kind == "numeric":
        entry = numeric_encoders.get(name)
        return entry.load()(**entry.preset)
    entry = categorical_encoders.get(name)
    return entry.load()(n_categories=N_CATEGORIES, **entry.preset)


def sample(kind: str, n: int = 600, seed: int = 0) -> np.ndarray:
    """Bimodal numbers, or skewed codes in which the last category never occurs."""
    rng = np.random.default_rng(seed)
    if kind == "numeric":
        return np.where(rng.random(n) < 0.3, rng.normal(-20, 2, n), rng.lognormal(3, 0.5, n))
    return rng.choice(N_CATEGORIES, size=n, p=[0.5, 0.25, 0.15, 0.1, 0.0])


def fitted(kind: str, name: str, seed: int = 0) -> tuple[ColumnEncoder, np.ndarray]:
    values = sample(kind)
    return build(kind, name).fit(values, rng=np.random.default_rng(seed)), values


def encode(encoder: ColumnEncoder, values: np.ndarray, seed: int = 1) -> np.ndarray:
    return encoder.encode(values, rng=np.random.default_rng(seed))


def assert_plain(value: Any, where: str = "state") -> None:
    """JSON scalars, lists, dicts with str keys, and numeric numpy arrays only."""
    if isinstance(value, np.ndarray):
        assert value.dtype.kind in "biuf", f"{where} is an array of dtype {value.dtype}"
    elif isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{where} has the key {key!r}"
            assert_plain(item, f"{where}[{key!r}]")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert_plain(item, f"{where}[{i}]")
    else:
        assert value is None or type(value) in (bool, int, float, str), (
            f"{where} is a {type(value).__name__}"
        )


def through_json(state: dict[str, Any]) -> dict[str, Any]:
    """Split a state into JSON and arrays and put it back, as a model file does."""
    arrays = {k: v for k, v in state.items() if isinstance(v, np.ndarray)}
    rest = json.loads(json.dumps({k: v for k, v in state.items() if k not in arrays}))
    return {**rest, **{k: v.copy() for k, v in arrays.items()}}


@pytest.fixture(params=CASES, ids=[name for _, name in CASES])
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param


def test_every_encoding_enum_value_is_registered() -> None:
    assert numeric_encoders.names() == sorted(e.value for e in NumericEncoding)
    assert categorical_encoders.names() == sorted(e.value for e in CategoricalEncoding)


def test_registered_class_knows_its_name(case: tuple[str, str]) -> None:
    kind, name = case
    assert build(kind, name).name == name


def test_fit_returns_self_and_encoding_matches_the_spans(case: tuple[str, str]) -> None:
    kind, name = case
    encoder = build(kind, name)
    values = sample(kind)
    assert encoder.fit(values, rng=np.random.default_rng(0)) is encoder
    encoded = encode(encoder, values)
    layout = Layout(tuple(encoder.spans(COLUMN)))
    assert encoded.shape == (values.size, layout.width) == (values.size, encoder.width)
    assert encoded.dtype == np.float64 and np.isfinite(encoded).all()
    assert all(span.column == COLUMN for span in layout.spans)


def test_decode_restores_values_and_dtype(case: tuple[str, str]) -> None:
    kind, name = case
    encoder, values = fitted(kind, name)
    decoded = encoder.decode(encode(encoder, values))
    if kind == "numeric":
        assert decoded.dtype == np.float64
        np.testing.assert_allclose(decoded, values, rtol=1e-9, atol=1e-9)
    else:
        assert decoded.dtype == np.int64
        np.testing.assert_array_equal(decoded, values)


def test_decode_of_any_matrix_of_the_right_width(case: tuple[str, str]) -> None:
    kind, name = case
    encoder, _ = fitted(kind, name)
    rng = np.random.default_rng(2)
    matrix = rng.normal(0, 3, (200, encoder.width))
    matrix[:3] = [[np.inf], [-np.inf], [1e300]]
    decoded = encoder.decode(matrix)
    assert decoded.shape == (200,)
    if kind == "numeric":
        assert decoded.dtype == np.float64 and np.isfinite(decoded[3:]).all()
    else:
        assert decoded.dtype == np.int64
        assert ((decoded >= 0) & (decoded < N_CATEGORIES)).all()


def test_same_seed_same_fit_and_encoding(case: tuple[str, str]) -> None:
    kind, name = case
    first, values = fitted(kind, name, seed=3)
    second, _ = fitted(kind, name, seed=3)
    np.testing.assert_array_equal(encode(first, values, 4), encode(second, values, 4))


def test_state_is_plain_json_and_arrays(case: tuple[str, str]) -> None:
    kind, name = case
    encoder, _ = fitted(kind, name)
    state = encoder.state_dict()
    assert isinstance(state, dict)
    assert_plain(state)


def test_state_round_trip_gives_identical_encode_and_decode(case: tuple[str, str]) -> None:
    kind, name = case
    encoder, values = fitted(kind, name)
    rebuilt = type(encoder).from_state_dict(through_json(encoder.state_dict()))
    assert rebuilt.spans(COLUMN) == encoder.spans(COLUMN)
    encoded = encode(encoder, values, 5)
    np.testing.assert_array_equal(encode(rebuilt, values, 5), encoded)
    np.testing.assert_array_equal(rebuilt.decode(encoded), encoder.decode(encoded))
    noise = np.random.default_rng(6).normal(0, 2, encoded.shape)
    np.testing.assert_array_equal(rebuilt.decode(noise), encoder.decode(noise))
    again = rebuilt.state_dict()
    assert again.keys() == encoder.state_dict().keys()
    for key, value in encoder.state_dict().items():
        np.testing.assert_array_equal(again[key], value)


def test_unfitted_encoder_raises_not_fitted(case: tuple[str, str]) -> None:
    kind, name = case
    encoder = build(kind, name)
    with pytest.raises(NotFittedError, match="is not fitted yet; call fit first"):
        encoder.encode(sample(kind), rng=np.random.default_rng(0))
    with pytest.raises(NotFittedError):
        encoder.decode(np.zeros((3, 1)))
    with pytest.raises(NotFittedError):
        encoder.state_dict()


def test_bad_input_raises_data_validation_error(case: tuple[str, str]) -> None:
    kind, name = case
    encoder, _ = fitted(kind, name)
    bad = np.array([0.0, np.nan]) if kind == "numeric" else np.array([0, N_CATEGORIES])
    with pytest.raises(DataValidationError, match=type(encoder).__name__):
        encoder.encode(bad, rng=np.random.default_rng(0))
    with pytest.raises(DataValidationError, match="expected a float matrix of shape"):
        encoder.decode(np.zeros((2, encoder.width + 1)))


@pytest.mark.parametrize(("kind", "name"), CASES)
def test_encoded_bounds_decode_into_the_asked_range(kind: str, name: str) -> None:
    """Where an encoder answers a condition in its own terms, every encoding inside the
    intervals decodes into the asked canonical range (a model may sample anywhere in them)."""
    encoder, _ = fitted(kind, name)
    rng = np.random.default_rng(5)
    asks = [(2.0, 2.0), (1.0, 3.0)] if kind == "categorical" else [(10.0, 25.5), (-21.0, -19.0)]
    for low, high in asks:
        bounds = encoder.feature_bounds(low, high, step=1.0 if kind == "categorical" else 0.5)
        if bounds is None:
            continue  # left to rejection
        assert all(0 <= k < encoder.width for k in bounds)
        one_hot = any(s.activation is Activation.SOFTMAX for s in encoder.spans(COLUMN))
        # a one-hot block is sampled as one indicator on and the rest off
        shape = (2000, encoder.width)
        raw = np.zeros(shape) if one_hot else rng.normal(0, 3, shape)
        for k, (lo, hi) in bounds.items():
            raw[:, k] = rng.uniform(lo, hi, 2000)
            raw[:2, k] = (lo, hi)  # the ends too
        decoded = encoder.decode(raw)
        step = 0.5 if kind == "numeric" else 1.0
        if kind == "numeric":
            decoded = np.round(decoded / step) * step  # the column's rounding, as decoded
        assert ((decoded >= low) & (decoded <= high)).all(), (name, low, high)
