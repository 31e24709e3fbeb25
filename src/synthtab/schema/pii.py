"""Personal data and identifiers: recognised by name and by the values' shape.

Detection is conservative: a column is personal data only when its values look
like it (emails, phone numbers) or its name says so *and* its values are
person-like and varied (names, addresses). Such columns are never learned;
fresh values are generated for them.

>>> import pandas as pd
>>> detect_pii("contact", pd.Series(["ann@x.org", "bo@y.com"]))
'email'
>>> detect_pii("colour", pd.Series(["red", "blue"])) is None
True
"""

from __future__ import annotations

import re

import pandas as pd

_EMAIL = r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$"
_PHONE = r"^\+?[\d\s().-]{7,20}$"
_PHONE_HINT = re.compile(r"phone|tel|mobile|cell|fax", re.IGNORECASE)
_ID_HINT = re.compile(r"(^|_|\b)(id|uuid|guid|key)$|^id(_|$)|[a-z]Id$|ID$", re.IGNORECASE)
_NAME_HINTS: dict[str, str] = {
    "first_name": "first_name",
    "firstname": "first_name",
    "given_name": "first_name",
    "forename": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "name": "name",
    "full_name": "name",
    "fullname": "name",
    "customer_name": "name",
    "patient_name": "name",
    "person": "name",
    "contact_name": "name",
    "address": "address",
    "street": "street_address",
    "street_address": "street_address",
}
_SHARE = 0.9


def _normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z])([A-Z])", r"\1_\2", name)).lower().strip("_")


def detect_pii(name: str, values: pd.Series) -> str | None:
    """The Faker provider for a personal-data column, or None."""
    text = values.dropna().astype(str)
    if text.empty:
        return None
    if text.str.match(_EMAIL).mean() >= _SHARE:
        return "email"
    if _PHONE_HINT.search(name) and _phone_share(text) >= _SHARE:
        return "phone_number"
    provider = _NAME_HINTS.get(_normalised(name))
    varied = text.nunique() >= max(10, 0.5 * len(text))
    if provider and varied and text.str.contains(r"[A-Za-z]", regex=True).mean() >= _SHARE:
        return provider
    return None


def _phone_share(text: pd.Series) -> float:
    digits = text.str.count(r"\d")
    return float((text.str.match(_PHONE) & digits.between(7, 15)).mean())


def looks_like_id_name(name: str) -> bool:
    """Whether the column name says it is a key (``id``, ``customer_id``, ``userId``)."""
    return bool(_ID_HINT.search(name))


def text_pattern(values: pd.Series) -> pd.Series:
    """Each string's shape: upper letters -> 'A', lower -> 'a', digits -> '9'."""
    text = values.astype(str)
    text = text.str.replace(r"[A-Z]", "A", regex=True).str.replace(r"[a-z]", "a", regex=True)
    return text.str.replace(r"[0-9]", "9", regex=True)
