"""Tables kept as they are (reference tables) stored in a model file: each column as
a plain numpy array and a mask of its gaps, never a pickled object.

>>> times = pd.to_datetime(["2020-01-01", None])
>>> frame = pd.DataFrame({"code": ["AA", None], "n": [1, 2], "t": times})
>>> back = frame_from_state(frame_to_state(frame))
>>> back.equals(frame), (back.dtypes == frame.dtypes).all()
(True, np.True_)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def frame_to_state(frame: pd.DataFrame) -> dict[str, Any]:
    """Columns as arrays of numbers, datetimes or fixed-width text, with gap masks."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        gaps = series.isna().to_numpy()
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_dtype(series):
            values = series.to_numpy()
        else:
            values = series.astype(object).where(~gaps, "").astype(str).to_numpy(dtype=str)
        columns.append(
            {"name": str(name), "dtype": str(series.dtype), "values": values, "gaps": gaps}
        )
    return {"columns": columns}


def frame_from_state(state: dict[str, Any]) -> pd.DataFrame:
    """Inverse of :func:`frame_to_state`."""
    data = {}
    for column in state["columns"]:
        values, gaps = np.asarray(column["values"]), np.asarray(column["gaps"], dtype=bool)
        series = pd.Series(values)
        if values.dtype.kind in "US":
            series = series.astype(object).where(~gaps, None)
            if column["dtype"] != "object":
                series = series.astype(column["dtype"])
        else:
            series = series.astype(column["dtype"])
        data[column["name"]] = series
    return pd.DataFrame(data)
