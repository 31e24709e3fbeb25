"""Round trips and behaviour of the numeric and categorical column encoders."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import synthtab.encoding.categorical
import synthtab.encoding.numeric  # noqa: F401  (registers the encoders)
from synthtab.encoding.base import ColumnEncoder
from synthtab.encoding.categorical import (
    UNSEEN_SHARE,
    GaussianIntervalEncoder,
    OneHotEncoder,
    OrdinalEncoder,
)
from synthtab.encoding.layout import Activation, Span
from synthtab.encoding.numeric import (
    IdentityEncoder,
    MinMaxEncoder,
    ModeSpecificEncoder,
    QuantileEncoder,
    StandardEncoder,
)
from synthtab.errors import DataValidationError, InvalidParameterError, NotFittedError

NUMERIC: dict[str, Callable[[], ColumnEncoder]] = {
    "identity": IdentityEncoder,
    "minmax": MinMaxEncoder,
    "standard": StandardEncoder,
    "quantile": QuantileEncoder,
    # fewer quantiles and a subsample than rows: values fall between quantiles
    "quantile_interpolated": lambda: QuantileEncoder(n_quantiles=10, subsample=20),
}
CATEGORICAL = [OneHotEncoder, OrdinalEncoder, GaussianIntervalEncoder]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def round_trip(encoder: ColumnEncoder, values: np.ndarray, seed: int = 0) -> np.ndarray:
    encoder.fit(values, rng=rng(seed))
    return encoder.decode(encoder.encode(values, rng=rng(seed + 1)))


def assert_close_to_column(back: np.ndarray, x: np.ndarray) -> None:
    """Equal within 1e-9 of the value, or of the column's largest magnitude."""
    assert back.dtype == np.float64 and back.shape == x.shape
    np.testing.assert_allclose(back, x, rtol=1e-9, atol=1e-9 * float(np.abs(x).max()))


# Subnormal numbers are flushed to 0: the round trip is relative to the column's magnitude.
_UNIT = st.floats(-1, 1, allow_nan=False).map(lambda v: v if abs(v) >= 1e-200 else 0.0)


@st.composite
def numeric_columns(draw: st.DrawFn) -> np.ndarray:
    """Finite columns: general, constant, single values, heavy repeats; magnitudes 1e-9..1e9."""
    n = draw(st.integers(1, 40))
    scale = draw(st.sampled_from([1e-9, 1e-3, 1.0, 1e3, 1e9]))
    kind = draw(st.sampled_from(["any", "constant", "repeated", "wide"]))
    if kind == "constant":
        return np.full(n, draw(_UNIT) * scale)
    if kind == "repeated":
        pool = draw(st.lists(_UNIT, min_size=1, max_size=3))
        return np.array(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))) * scale
    if kind == "wide":
        wide = st.floats(-1e9, 1e9, allow_nan=False, allow_subnormal=False)
        return draw(hnp.arrays(np.float64, n, elements=wide))
    return draw(hnp.arrays(np.float64, n, elements=_UNIT)) * scale


# -- numeric round trips -------------------------------------------------------------------


@pytest.mark.parametrize("make", NUMERIC.values(), ids=NUMERIC.keys())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=numeric_columns())
def test_numeric_round_trip_is_exact_to_float_rounding(
    make: Callable[[], ColumnEncoder], x: np.ndarray
) -> None:
    # The quantile encoder meets the same tolerance: ties map to the middle of their
    # references and decode exactly, and its rounding is ~n_quantiles * 1e-16 of the range.
    assert_close_to_column(round_trip(make(), x), x)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=numeric_columns(), subsample=st.booleans())
def test_mode_specific_round_trip_is_exact_to_float_rounding(
    x: np.ndarray, subsample: bool
) -> None:
    encoder = ModeSpecificEncoder(max_fit_rows=8 if subsample else 10_000)
    assert_close_to_column(round_trip(encoder, x), x)


def test_mode_specific_offsets_are_not_clipped() -> None:
    x = np.concatenate([rng(0).normal(0, 1, 1000), [1e6, -1e6]])
    encoder = ModeSpecificEncoder().fit(x[:1000], rng=rng(1))
    encoded = encoder.encode(x, rng=rng(2))
    assert np.abs(encoded[-2:, 0]).min() > 1000
    assert_close_to_column(encoder.decode(encoded), x)


# -- numeric behaviour ---------------------------------------------------------------------


def test_minmax_scales_to_unit_interval_and_constant_to_half() -> None:
    encoder = MinMaxEncoder().fit(np.array([2.0, 4.0, 10.0]), rng=rng())
    np.testing.assert_array_equal(
        encoder.encode(np.array([2.0, 6.0, 10.0, 12.0]), rng=rng()).ravel(), [0.0, 0.5, 1.0, 1.25]
    )
    constant = MinMaxEncoder().fit(np.full(5, 7.5), rng=rng())
    np.testing.assert_array_equal(constant.encode(np.full(3, 7.5), rng=rng()), np.full((3, 1), 0.5))
    np.testing.assert_array_equal(constant.decode(np.array([[0.1], [0.9]])), [7.5, 7.5])
    assert constant.spans("x") == [Span("x", "value", 1, Activation.SIGMOID)]


def test_standard_gives_zero_mean_unit_std_and_is_constant_safe() -> None:
    x = rng().normal(50, 7, 1000)
    z = StandardEncoder().fit(x, rng=rng()).encode(x, rng=rng()).ravel()
    assert abs(z.mean()) < 1e-12 and abs(z.std() - 1) < 1e-12
    constant = StandardEncoder().fit(np.full(4, -3.25), rng=rng())
    np.testing.assert_array_equal(constant.encode(np.full(2, -3.25), rng=rng()), np.zeros((2, 1)))
    np.testing.assert_array_equal(constant.decode(np.array([[5.0]])), [-3.25])


def test_quantile_maps_to_standard_normal_and_clamps_outside_the_fitted_range() -> None:
    x = rng().exponential(3.0, 20_000)
    encoder = QuantileEncoder().fit(x, rng=rng(1))
    z = encoder.encode(x, rng=rng()).ravel()
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.05
    assert encoder.quantiles_[0] == x.min() and encoder.quantiles_[-1] == x.max()
    outside = encoder.decode(np.array([[-40.0], [40.0], [np.inf]]))
    np.testing.assert_array_equal(outside, [x.min(), x.max(), x.max()])


def test_quantile_maps_ties_to_one_score_and_back_exactly() -> None:
    x = np.repeat([1.0, 2.0, 3.5], [500, 300, 200])
    encoder = QuantileEncoder().fit(x, rng=rng())
    z = encoder.encode(x, rng=rng()).ravel()
    assert len(np.unique(z)) == 3
    np.testing.assert_array_equal(encoder.decode(z.reshape(-1, 1)), x)


def test_mode_specific_finds_two_modes_of_a_bimodal_sample() -> None:
    g = rng(3)
    x = np.concatenate([g.normal(-5, 1, 3000), g.normal(10, 2, 3000)])
    encoder = ModeSpecificEncoder().fit(x, rng=rng(4))
    np.testing.assert_allclose(encoder.means_, [-5, 10], atol=0.25)
    np.testing.assert_allclose(encoder.stds_, [1, 2], atol=0.25)
    np.testing.assert_allclose(encoder.weights_, [0.5, 0.5], atol=0.05)
    assert encoder.spans("x") == [
        Span("x", "value", 1, Activation.TANH),
        Span("x", "mode", 2, Activation.SOFTMAX, n_categories=2),
    ]
    encoded = encoder.encode(x, rng=rng(5))
    np.testing.assert_array_equal(encoded[:, 1:].sum(axis=1), np.ones(x.size))
    assert (encoded[:3000, 1] == 1).mean() > 0.999  # well-separated: the nearer mode


def test_mode_specific_fits_a_subsample_of_a_million_values() -> None:
    g = rng(6)
    x = np.concatenate([g.normal(-5, 1, 500_000), g.normal(10, 2, 500_000)])
    encoder = ModeSpecificEncoder().fit(x, rng=rng(7))
    assert encoder.n_fit_rows_ == 5_000
    assert len(encoder.means_) == 2
    small = ModeSpecificEncoder(max_fit_rows=500).fit(x, rng=rng(7))
    assert small.n_fit_rows_ == 500


def test_mode_specific_constant_column_is_one_mode_with_unit_std() -> None:
    encoder = ModeSpecificEncoder().fit(np.full(100, 42.0), rng=rng())
    np.testing.assert_array_equal(encoder.means_, [42.0])
    np.testing.assert_array_equal(encoder.stds_, [1.0])
    np.testing.assert_array_equal(
        encoder.encode(np.array([42.0, 46.0]), rng=rng()), [[0, 1], [1, 1]]
    )


def test_mode_specific_draws_modes_from_the_posterior() -> None:
    state = {
        "max_modes": 10,
        "max_fit_rows": 10_000,
        "weight_threshold": 0.005,
        "n_fit_rows": 100,
        "weights": np.array([0.5, 0.5]),
        "means": np.array([-1.0, 1.0]),
        "stds": np.array([1.0, 1.0]),
    }
    encoder = ModeSpecificEncoder.from_state_dict(state)
    n = 40_000
    first_mode = encoder.encode(np.repeat([0.0, 1.0], n), rng=rng())[:, 1]
    posterior_at_one = np.exp(-2.0) / (np.exp(-2.0) + 1.0)  # N(1; -1, 1) vs N(1; 1, 1)
    assert abs(first_mode[:n].mean() - 0.5) < 0.015
    assert abs(first_mode[n:].mean() - posterior_at_one) < 0.01


# -- categorical round trips -----------------------------------------------------------------


@st.composite
def categorical_cases(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray]:
    """(K, codes to fit on, codes to encode); the latter may hold codes never seen in fit."""
    k = draw(st.integers(1, 12))
    codes = st.lists(st.integers(0, k - 1), min_size=1, max_size=60)
    return k, np.array(draw(codes), dtype=np.int64), np.array(draw(codes), dtype=np.int64)


@pytest.mark.parametrize("cls", CATEGORICAL)
@settings(max_examples=100, deadline=None)
@given(case=categorical_cases(), seed=st.integers(0, 2**32 - 1))
def test_categorical_round_trip_is_exact(
    cls: type[ColumnEncoder], case: tuple[int, np.ndarray, np.ndarray], seed: int
) -> None:
    k, fit_codes, codes = case
    encoder = cls(n_categories=k).fit(fit_codes, rng=rng(seed))
    decoded = encoder.decode(encoder.encode(codes, rng=rng(seed)))
    assert decoded.dtype == np.int64
    np.testing.assert_array_equal(decoded, codes)


@pytest.mark.parametrize("cls", CATEGORICAL)
@settings(max_examples=100, deadline=None)
@given(k=st.integers(1, 8), data=st.data())
def test_categorical_decode_of_any_real_matrix_is_in_range(
    cls: type[ColumnEncoder], k: int, data: st.DataObject
) -> None:
    encoder = cls(n_categories=k).fit(np.arange(k), rng=rng())
    shape = (data.draw(st.integers(0, 30)), encoder.width)
    matrix = data.draw(hnp.arrays(np.float64, shape, elements=st.floats()))
    decoded = encoder.decode(matrix)
    assert decoded.dtype == np.int64 and decoded.shape == (shape[0],)
    assert ((decoded >= 0) & (decoded < k)).all()


def test_onehot_with_one_category_has_width_one() -> None:
    encoder = OneHotEncoder(n_categories=1).fit(np.zeros(3, dtype=int), rng=rng())
    np.testing.assert_array_equal(
        encoder.encode(np.zeros(2, dtype=int), rng=rng()), np.ones((2, 1))
    )
    assert encoder.spans("c") == [Span("c", "category", 1, Activation.SOFTMAX, n_categories=1)]


def test_ordinal_rounds_and_clips() -> None:
    encoder = OrdinalEncoder(n_categories=4).fit(np.arange(4), rng=rng())
    decoded = encoder.decode(np.array([[-0.6], [0.4], [2.6], [99.0], [np.nan], [-np.inf]]))
    np.testing.assert_array_equal(decoded, [0, 0, 3, 3, 0, 0])


# -- Gaussian-in-interval ----------------------------------------------------------------


def test_gaussian_interval_widths_follow_frequencies_and_values_stay_inside() -> None:
    probabilities = np.array([0.1, 0.6, 0.3, 0.0])  # code 3 is never seen
    codes = rng(1).choice(4, size=50_000, p=probabilities)
    encoder = GaussianIntervalEncoder(n_categories=4).fit(codes, rng=rng(2))
    frequencies = np.bincount(codes, minlength=4) / codes.size
    np.testing.assert_array_equal(encoder.order_, [1, 2, 0, 3])
    widths = np.diff(encoder.edges_)
    np.testing.assert_allclose(widths[:3], frequencies[[1, 2, 0]] * (1 - UNSEEN_SHARE), rtol=1e-12)
    assert widths[3] == pytest.approx(UNSEEN_SHARE, rel=1e-6)

    values = encoder.encode(codes, rng=rng(3)).ravel()
    rank = np.argsort(encoder.order_)
    lower, upper = encoder.edges_[rank[codes]], encoder.edges_[rank[codes] + 1]
    assert ((values > lower) & (values < upper)).all()
    shares = np.histogram(values, bins=encoder.edges_)[0] / values.size
    np.testing.assert_allclose(shares, frequencies[encoder.order_], atol=1e-12)
    mids = (encoder.edges_[:-1] + encoder.edges_[1:]) / 2
    assert values.mean() == pytest.approx(
        float(np.sum(frequencies[encoder.order_] * mids)), abs=1e-3
    )


def test_gaussian_interval_unseen_codes_and_outside_values_decode() -> None:
    encoder = GaussianIntervalEncoder(n_categories=3).fit(np.array([2, 2, 0]), rng=rng())
    unseen = encoder.encode(np.full(1000, 1), rng=rng())
    np.testing.assert_array_equal(encoder.decode(unseen), np.full(1000, 1))
    np.testing.assert_array_equal(encoder.decode(np.array([[-3.0], [7.0], [np.nan]])), [2, 1, 1])
    assert encoder.spans("c") == [Span("c", "category", 1, Activation.SIGMOID)]


def test_gaussian_interval_ties_are_broken_by_code() -> None:
    encoder = GaussianIntervalEncoder(n_categories=3).fit(np.array([2, 1, 0, 1, 2]), rng=rng())
    np.testing.assert_array_equal(encoder.order_, [1, 2, 0])


# -- errors ---------------------------------------------------------------------------------

INVALID_OPTIONS = [
    (
        lambda: ModeSpecificEncoder(max_modes=0),
        "The 'max_modes' parameter of ModeSpecificEncoder must be an int in [1, 100]."
        " Got 0 instead.",
    ),
    (
        lambda: ModeSpecificEncoder(max_modes=2.0),
        "The 'max_modes' parameter of ModeSpecificEncoder must be an int in [1, 100]."
        " Got 2.0 instead.",
    ),
    (
        lambda: ModeSpecificEncoder(max_fit_rows=0),
        "The 'max_fit_rows' parameter of ModeSpecificEncoder must be an int in [1, inf)."
        " Got 0 instead.",
    ),
    (
        lambda: ModeSpecificEncoder(weight_threshold=1.0),
        "The 'weight_threshold' parameter of ModeSpecificEncoder must be a float in [0, 1)."
        " Got 1.0 instead.",
    ),
    (
        lambda: ModeSpecificEncoder(weight_threshold="0.1"),
        "The 'weight_threshold' parameter of ModeSpecificEncoder must be a float in [0, 1)."
        " Got '0.1' instead.",
    ),
    (
        lambda: QuantileEncoder(n_quantiles=1),
        "The 'n_quantiles' parameter of QuantileEncoder must be an int in [2, inf). Got 1 instead.",
    ),
    (
        lambda: QuantileEncoder(subsample=None),
        "The 'subsample' parameter of QuantileEncoder must be an int in [2, inf)."
        " Got None instead.",
    ),
    (
        lambda: OneHotEncoder(n_categories=0),
        "The 'n_categories' parameter of OneHotEncoder must be an int in [1, inf). Got 0 instead.",
    ),
    (
        lambda: OrdinalEncoder(n_categories=True),
        "The 'n_categories' parameter of OrdinalEncoder must be an int in [1, inf)."
        " Got True instead.",
    ),
    (
        lambda: GaussianIntervalEncoder(n_categories="3"),
        "The 'n_categories' parameter of GaussianIntervalEncoder must be an int in [1, inf)."
        " Got '3' instead.",
    ),
]


@pytest.mark.parametrize(("make", "message"), INVALID_OPTIONS)
def test_invalid_options_raise_with_exact_message(make: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=re.escape(message)) as info:
        make()
    assert str(info.value) == message


ALL_UNFITTED = [
    *(make for make in NUMERIC.values()),
    ModeSpecificEncoder,
    *(lambda c=c: c(n_categories=3) for c in CATEGORICAL),
]


@pytest.mark.parametrize("make", ALL_UNFITTED)
def test_encode_and_decode_before_fit_raise_not_fitted(make: Callable[[], ColumnEncoder]) -> None:
    encoder = make()
    message = f"This {type(encoder).__name__} is not fitted yet; call fit first."
    with pytest.raises(NotFittedError, match=re.escape(message)):
        encoder.encode(np.array([1, 2]), rng=rng())
    with pytest.raises(NotFittedError, match=re.escape(message)):
        encoder.decode(np.zeros((2, 1)))


def test_bad_numeric_input_lists_the_problem() -> None:
    encoder = MinMaxEncoder()
    with pytest.raises(DataValidationError) as info:
        encoder.fit(np.array([1.0, np.nan, np.inf]), rng=rng())
    assert str(info.value) == (
        "The input of MinMaxEncoder has 1 problem:\n"
        "  - 2 value(s) are NaN or infinite (first at position 1); fill or drop them first"
    )
    with pytest.raises(DataValidationError, match="needs at least one value"):
        encoder.fit(np.array([]), rng=rng())
    with pytest.raises(DataValidationError, match=re.escape("expected a 1-D array of numbers")):
        encoder.fit(np.zeros((2, 2)), rng=rng())
    with pytest.raises(DataValidationError, match="expected a 1-D array of numbers"):
        encoder.fit(np.array(["a", "b"]), rng=rng())


def test_bad_codes_list_the_problem() -> None:
    encoder = OneHotEncoder(n_categories=3)
    with pytest.raises(DataValidationError) as info:
        encoder.fit(np.array([0, 3, -1, 3]), rng=rng())
    assert str(info.value) == (
        "The input of OneHotEncoder has 1 problem:\n"
        "  - 3 code(s) are outside [0, 3), e.g. [-1, 3]; codes must index the categories"
    )
    message = "expected integer codes; got dtype float64 with non-integer, NaN or infinite values"
    with pytest.raises(DataValidationError, match=re.escape(message)):
        encoder.fit(np.array([0.5, 1.0]), rng=rng())
    encoder.fit(np.array([0.0, 2.0]), rng=rng())  # integral floats are codes
    with pytest.raises(DataValidationError, match=re.escape("shape (n, 3); got shape (2, 2)")):
        encoder.decode(np.zeros((2, 2)))
