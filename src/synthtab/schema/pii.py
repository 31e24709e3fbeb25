"""Personal data and identifiers: recognised by name and by the values' shape.

Detection is conservative for short, repeated values: a column is personal data
when its values look like it (emails, phone numbers, UUIDs, IBANs, card numbers,
IP or street addresses) or its name says so *and* its values are person-like and
varied (names, addresses, postcodes). Such columns are never learned; fresh
values are generated for them.

>>> import pandas as pd
>>> detect_pii("contact", pd.Series(["ann@x.org", "bo@y.com"]))
'email'
>>> detect_pii("phone", pd.Series(["555-123-4567x506", "+1 (555) 987-6543"]))
'phone_number'
>>> detect_pii("colour", pd.Series(["red", "blue"])) is None
True
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from synthtab.errors import UnknownNameError, did_you_mean

_EMAIL = r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$"
# A country code (+44, 0044), digits in groups split by spaces, dots, dashes or
# brackets, and an optional extension (x506, ext. 12, #7).
_PHONE = r"^(?:\+|00)?[\d\s().-]{7,22}$"
_PHONE_EXTENSION = r"\s*(?:x|ext\.?|extension|#)\s*\d{1,6}$"
_UUID = r"^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$"
_IBAN = r"^[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}$"
_CARD = r"^\d(?:[ -]?\d){12,18}$"
_IPV4 = r"^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$"
_STREET = (
    r"^\d+[A-Za-z]?\s+\S.*\b(?:st|street|ave|avenue|rd|road|blvd|boulevard|lane|ln|dr|drive"
    r"|way|court|ct|place|pl|square|sq|terrace|crescent|highway|hwy|parkway|suite|apt)\b"
)
_LOOSE_ADDRESS = r"^\d+[A-Za-z]?,?\s+[A-Za-z][\w.'-]*(?:\s+[\w.',#-]+)+"
_PERSON_NAME = r"^(?:(?:Dr|Mr|Mrs|Ms|Miss|Prof)\.? )?[A-Z][a-z'’-]+(?: [A-Z][A-Za-z'’.-]*){1,3}$"
_POSTCODE = r"^(?:\d{4,5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)$"
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
_POSTCODE_HINT = re.compile(r"(^|_)(zip|zipcode|zip_code|postcode|post_code|postal_code)$")
# Column names that name a Faker provider for free text (used for mostly unique text).
_TEXT_HINTS: dict[str, str] = {
    "job": "job",
    "job_title": "job",
    "occupation": "job",
    "profession": "job",
    "company": "company",
    "employer": "company",
    "company_name": "company",
    "city": "city",
    "town": "city",
    "country": "country",
    "state": "state",
    "url": "url",
    "website": "url",
    "username": "user_name",
    "user_name": "user_name",
    "login": "user_name",
    "ip": "ipv4",
    "ip_address": "ipv4",
}
_SHARE = 0.9
#: Providers generated without Faker (vectorised from the seed).
BUILT_IN_PROVIDERS = ("uuid4",)


def _normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z])([A-Z])", r"\1_\2", name)).lower().strip("_")


#: No personal-data shape is longer; longer values are not matched against patterns.
_MAX_SHAPE_LENGTH = 120


def _shaped_text(values: pd.Series) -> pd.Series:
    """The values as text, long ones blanked: they fit no pattern, and matching
    regular expressions over pages of text would cost seconds."""
    text = values.dropna().astype(str)
    # as categories, every pattern is matched once per distinct value, not once per row
    return text.where(text.str.len() <= _MAX_SHAPE_LENGTH, "").astype("category")


def detect_pii(name: str, values: pd.Series) -> str | None:
    """The Faker provider for a personal-data column, or None."""
    text = _shaped_text(values)
    if text.empty or (text == "").mean() > 1 - 0.7:  # mostly long text: no PII shape
        return None
    by_shape = _provider_by_shape(text, phone_hint=bool(_PHONE_HINT.search(name)))
    if by_shape is not None:
        return by_shape
    provider = _NAME_HINTS.get(_normalised(name))
    if provider == "address" and text.str.contains("\n").mean() < 0.5:
        provider = "street_address"  # one-line addresses: Faker's address adds a city line
    varied = text.nunique() >= max(10, 0.5 * len(text))
    if provider and varied and text.str.contains(r"[A-Za-z]", regex=True).mean() >= _SHARE:
        return provider
    if _POSTCODE_HINT.search(_normalised(name)) and _share(text, _POSTCODE) >= _SHARE:
        return "postcode"
    return None


def _provider_by_shape(text: pd.Series, *, phone_hint: bool) -> str | None:
    """Formats that are personal data whatever the column is called."""
    if _share(text, _EMAIL) >= _SHARE:
        return "email"
    if _share(text, _UUID) >= _SHARE:
        return "uuid4"
    if _share(text, _IPV4) >= _SHARE:
        return "ipv4"
    if _share(text, _IBAN) >= _SHARE:
        return "iban"
    if _card_share(text) >= _SHARE:
        return "credit_card_number"
    phones = _phone_share(text)
    # Without a name hint, only formatted numbers (with separators) count as phones.
    if phones >= _SHARE and (phone_hint or _share(text, r".*\d[\s().-]+\d.*[\s().-]\d") >= _SHARE):
        return "phone_number"
    if _share(text, _STREET, case=False) >= 0.7:
        return "address" if text.str.contains("\n").mean() >= 0.5 else "street_address"
    return None


def guess_provider(name: str, values: pd.Series) -> str | None:
    """The provider of a column declared personal data: by shape, then by name,
    then person names; None when nothing fits."""
    text = _shaped_text(values)
    found = detect_pii(name, values)
    if found is not None or text.empty:
        return found
    hinted = _TEXT_HINTS.get(_normalised(name))
    if hinted:
        return hinted
    if _share(text, _PERSON_NAME) >= _SHARE:
        return "name"
    if _share(text, _LOOSE_ADDRESS) >= 0.8:  # a number, then words (some are PO boxes)
        return "address" if text.str.contains("\n").mean() >= 0.5 else "street_address"
    return None


def free_text_provider(name: str, values: pd.Series) -> str:
    """What generates a column of mostly unique text: a provider its name or
    shape suggests, person names, or sentences."""
    provider = guess_provider(name, values)
    if provider is not None:
        return provider
    words = values.dropna().astype(str).str.split().str.len()
    return "sentence" if words.mean() >= 3 else "word"


def _share(text: pd.Series, pattern: str, *, case: bool = True) -> float:
    return float(text.str.match(pattern, case=case).mean())


def _phone_share(text: pd.Series) -> float:
    base = text.str.replace(_PHONE_EXTENSION, "", regex=True, flags=re.IGNORECASE)
    digits = base.str.count(r"\d")
    return float((base.str.match(_PHONE) & digits.between(7, 15)).mean())


def _card_share(text: pd.Series) -> float:
    """Share of values that are 13-19 digit numbers passing the Luhn check."""
    shaped = text.str.match(_CARD)
    if shaped.mean() < _SHARE:
        return 0.0
    digits = text[shaped].str.replace(r"\D", "", regex=True)
    return float(shaped.mean() * _luhn_valid(digits).mean())


def _luhn_valid(digits: pd.Series) -> np.ndarray:
    width = int(digits.str.len().max())
    padded = digits.str.zfill(width).to_numpy(dtype=f"<U{width}")
    grid = padded.view("<U1").reshape(len(padded), width).astype(np.int64)
    doubled = grid[:, ::-1].copy()
    doubled[:, 1::2] *= 2
    doubled[doubled > 9] -= 9
    return doubled.sum(axis=1) % 10 == 0


@functools.cache
def known_providers() -> frozenset[str]:
    """Names of the providers a personal-data column may name."""
    from faker import Faker

    fake = Faker()
    # The providers' methods, read from the providers themselves: the proxy's own
    # attributes (seed, unique, ...) are not value generators.
    names = {
        m
        for provider in fake.providers
        for m in dir(provider)
        if not m.startswith("_") and callable(getattr(provider, m, None))
    }
    names -= {"generator", "random_element", "random_elements", "random_choices"}
    return frozenset(names | set(BUILT_IN_PROVIDERS))


def check_provider(provider: str, *, column: str) -> str:
    """``provider`` if synthtab can generate it, else an error that suggests one."""
    names = known_providers()
    if provider in names:
        return provider
    common = "name, email, phone_number, address, postcode, iban, uuid4, job, sentence"
    raise UnknownNameError(
        f"Column '{column}' names the personal-data provider '{provider}', which does not "
        f"exist.{did_you_mean(provider, sorted(names))} Common providers: {common}."
    )


def looks_like_id_name(name: str) -> bool:
    """Whether the column name says it is a key (``id``, ``customer_id``, ``userId``)."""
    return bool(_ID_HINT.search(name))


def text_pattern(values: pd.Series) -> pd.Series:
    """Each string's shape: upper letters -> 'A', lower -> 'a', digits -> '9'."""
    text = values.astype(str)
    text = text.str.replace(r"[A-Z]", "A", regex=True).str.replace(r"[a-z]", "a", regex=True)
    return text.str.replace(r"[0-9]", "9", regex=True)
