"""A datetime has one numeric meaning everywhere: seconds since the UTC epoch."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthtab import infer_schema
from synthtab.encoding.columns import to_canonical
from synthtab.evaluation.base import as_float
from synthtab.sampling.conditions import _as_number
from synthtab.schema.datetimes import epoch_seconds


def test_schema_encoders_metrics_and_conditions_agree_on_zoned_datetimes() -> None:
    local = pd.Series(pd.date_range("2024-03-30 22:00", periods=6, freq="h", tz="Europe/Paris"))
    expected = (
        local.dt.tz_convert("UTC").dt.tz_localize(None) - pd.Timestamp(0)
    ).dt.total_seconds()
    spec = infer_schema(local.to_frame("at"))["at"]
    np.testing.assert_allclose(epoch_seconds(local), expected)
    np.testing.assert_allclose(to_canonical(local, spec), expected)
    np.testing.assert_allclose(as_float(local), expected)  # evaluation used wall-clock time
    assert spec.minimum == expected.min() and spec.maximum == expected.max()
    assert _as_number(spec, local.iloc[2]) == expected.iloc[2]


def test_missing_datetimes_are_nan() -> None:
    stamps = pd.Series(pd.to_datetime(["2020-01-01", None, "2020-01-02"]))
    assert (
        np.isnan(epoch_seconds(stamps)[1])
        and epoch_seconds(stamps)[2] - epoch_seconds(stamps)[0] == 86_400
    )
