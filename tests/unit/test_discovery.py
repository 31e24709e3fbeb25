"""Rule discovery: planted rules are found, independent columns give none, and every
registered model keeps every rule found in every sampled row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab import (
    DatePart,
    DPConfig,
    Formula,
    Grid,
    Inequality,
    Lookup,
    MissingWhen,
    Synthesizer,
)
from synthtab.constraints.discovery import discover_rules
from synthtab.errors import InvalidParameterError
from tests.contract.models import MODELS, fast_params


def loans(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """An order chain (requested <= approved <= limit), a date order with gaps, a sub-grade
    that fixes its grade and its rate, and columns that obey nothing."""
    rng = np.random.default_rng(seed)
    sub = rng.choice(["A1", "A2", "B1", "B2", "C1"], n)
    opened = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 400, n), "D")
    closed = opened + pd.to_timedelta(rng.integers(1, 300, n), "D")
    requested = rng.gamma(3, 2_000, n).round(2)
    approved = (requested + rng.gamma(1, 500, n)).round(2)
    return pd.DataFrame(
        {
            "requested": requested,
            "approved": approved,
            "limit": (approved + rng.gamma(2, 800, n)).round(2),
            "opened": opened,
            "closed": pd.Series(closed).mask(rng.random(n) < 0.2),
            "sub_grade": sub,
            "grade": pd.Series(sub).str[0],
            "rate": pd.Series(sub).map({"A1": 5.5, "A2": 6.0, "B1": 8.0, "B2": 9.5, "C1": 12.0}),
            "noise": rng.normal(3_000, 2_000, n).round(1),
            "region": rng.choice(["north", "south", "east"], n),
        }
    )


def test_planted_rules_are_found_as_chains_and_one_lookup() -> None:
    rules = discover_rules(loans())
    orders = {(r.low, r.high) for r in rules if isinstance(r, Inequality)}
    assert orders == {("requested", "approved"), ("approved", "limit"), ("opened", "closed")}
    assert next(r for r in rules if isinstance(r, Inequality) and r.low == "opened").strict
    lookups = [r for r in rules if isinstance(r, Lookup)]
    assert [set(r.columns) for r in lookups] == [{"sub_grade", "grade", "rate"}]
    assert lookups[0].source == "rate"  # one-to-one with sub_grade: the number keeps its order
    # the chain's top rule comes first: it must rewrite 'limit' from the original 'approved'
    chain = [r.high for r in rules if isinstance(r, Inequality) and r.high != "closed"]
    assert chain == ["limit", "approved"]


def test_independent_columns_give_no_rule() -> None:
    rng = np.random.default_rng(1)
    n = 2_000
    frame = pd.DataFrame(
        {
            "a": rng.normal(0, 1, n),
            "b": rng.normal(0.5, 1, n),
            "c": rng.gamma(2, 1, n),
            "x": rng.choice(list("pqrs"), n),
            "y": rng.choice(list("uv"), n),
            "k": rng.integers(0, 5, n),
        }
    )
    assert discover_rules(frame) == []


def test_orders_the_ranges_imply_and_thin_support_are_not_rules() -> None:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"age": rng.integers(18, 90, 300), "income": rng.gamma(3, 9e3, 300)})
    assert discover_rules(frame) == []  # age < income everywhere, but only by their ranges
    low = rng.normal(0, 1, 300)
    both = pd.DataFrame({"low": low, "high": low + rng.random(300)})
    both.loc[15:, "high"] = np.nan  # 15 rows show the order
    assert discover_rules(both, min_support=20) == []
    assert discover_rules(both, min_support=10) == [Inequality("low", "high", strict=True)]


def test_a_gap_in_the_middle_of_a_chain_keeps_the_outer_rule() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(0, 1, 500)
    frame = pd.DataFrame({"a": a, "b": a + rng.random(500), "c": a + 1 + rng.random(500)})
    frame.loc[rng.random(500) < 0.3, "b"] = np.nan
    orders = {(r.low, r.high) for r in discover_rules(frame)}
    assert ("a", "c") in orders or ("b", "c") in orders


@pytest.mark.parametrize("model", MODELS)
def test_every_model_keeps_every_rule_found_in_every_row(model: str, tmp_path) -> None:
    real = loans(400)
    synth = Synthesizer(model, seed=0, rules="auto", **fast_params(model)).fit(real)
    assert synth.discovered_rules_
    assert any("rules found in the real rows" in note for note in synth.fit_report_.notes)
    out = synth.sample(800)
    for rule in synth.discovered_rules_:
        assert rule.is_valid(out, synth.schema_).all(), (model, rule)
    loaded = Synthesizer.load(synth.save(tmp_path / "m.synth"))
    assert loaded.discovered_rules_ == synth.discovered_rules_
    pd.testing.assert_frame_equal(loaded.sample(200, seed=5), synth.sample(200, seed=5))


def test_declared_rules_win_over_found_ones_on_their_columns() -> None:
    real = loans(400)
    synth = Synthesizer(
        "copula", seed=0, rules="auto", constraints=[Inequality("requested", "limit")]
    )
    synth.fit(real)
    assert all("requested" not in r.columns for r in synth.discovered_rules_)
    assert (synth.sample(500).eval("requested <= limit")).all()


def test_bad_options_are_refused_and_privacy_searches_nothing_and_says_why() -> None:
    with pytest.raises(InvalidParameterError, match="'rules' option must be 'auto'"):
        Synthesizer("copula", rules="yes")
    with pytest.raises(InvalidParameterError, match="must hold synthtab constraints"):
        Synthesizer("copula", rules=["requested <= approved"])
    with pytest.raises(InvalidParameterError, match="'min_support' option"):
        discover_rules(loans(), min_support=1)
    numbers = loans(2000).select_dtypes("number")  # labels this rare would not be released
    private = Synthesizer("marginals", seed=0, privacy=DPConfig(1.0)).fit(numbers)
    assert private.get_params()["rules"] == "auto" and private.discovered_rules_ == []
    assert any("not differentially private" in note for note in private.fit_report_.notes)


def test_rules_are_found_by_default_and_a_list_is_taken_as_declared() -> None:
    real = loans(400)
    assert Synthesizer("trees", seed=0).fit(real).discovered_rules_
    assert Synthesizer("trees", seed=0, rules=None).fit(real).discovered_rules_ == []
    declared = Synthesizer("trees", seed=0, rules=[Inequality("requested", "limit")]).fit(real)
    assert declared.discovered_rules_ == []
    assert declared.constraints_ == [Inequality("requested", "limit")]
    assert declared.sample(300).eval("requested <= limit").all()


def test_cli_writes_the_rules_and_fit_reads_them_back(tmp_path) -> None:
    from typer.testing import CliRunner

    from synthtab.cli.app import app
    from synthtab.constraints.config import load_constraints

    data = tmp_path / "loans.csv"
    loans(300).to_csv(data, index=False)
    runner = CliRunner()
    found = runner.invoke(app, ["rules", str(data), "-o", str(tmp_path / "rules.toml")])
    assert found.exit_code == 0, found.output
    assert "4 rules hold in all 300 rows" in found.stdout
    rules = load_constraints(tmp_path / "rules.toml")
    assert {type(r).__name__ for r in rules} == {"Inequality", "Lookup"}
    again = runner.invoke(app, ["rules", str(data), "-o", str(tmp_path / "rules.toml")])
    assert again.exit_code == 2 and "already exists" in again.output
    model = tmp_path / "m.synth"
    fitted = runner.invoke(
        app, ["fit", str(data), "-o", str(model), "--constraints", str(tmp_path / "rules.toml")]
    )
    assert fitted.exit_code == 0, fitted.output
    synth = Synthesizer.load(model)
    out = synth.sample(500)
    assert all(rule.is_valid(out, synth.schema_).all() for rule in rules)
    auto = runner.invoke(
        app, ["fit", str(data), "-o", str(tmp_path / "a.synth"), "--rules", "auto"]
    )
    assert auto.exit_code == 0, auto.output
    assert len(Synthesizer.load(tmp_path / "a.synth").discovered_rules_) == 4


def bills(n: int = 500, seed: int = 4) -> pd.DataFrame:
    """A rate (a charge in cents of minutes), a sum (total = net + tax) and a difference
    (due = total - paid), among columns that obey nothing."""
    rng = np.random.default_rng(seed)
    minutes = rng.gamma(4, 50, n).round(1)
    net = rng.gamma(2, 40, n).round(2)
    tax = rng.gamma(2, 8, n).round(2)
    paid = (rng.random(n) * (net + tax)).round(2)
    return pd.DataFrame(
        {
            "minutes": minutes,
            "charge": (0.17 * minutes).round(2),
            "net": net,
            "tax": tax,
            "total": (net + tax).round(2),
            "paid": paid,
            "due": (net + tax).round(2) - paid,
            "calls": rng.poisson(30, n),
            "plan": rng.choice(["a", "b", "c"], n),
        }
    )


def test_planted_formulas_are_found_with_their_rounding() -> None:
    formulas = {r.column: r for r in discover_rules(bills()) if isinstance(r, Formula)}
    assert formulas["charge"].inputs == ("minutes",)
    assert formulas["charge"].coefficients == (0.17,) and formulas["charge"].step == 0.01
    assert set(formulas["total"].inputs) == {"net", "tax"}
    assert "calls" not in formulas and "minutes" not in formulas
    # due = total - paid is found as one sum among total = due + paid, total = net + tax
    # or paid = total - due: whichever, every row of the table obeys it
    assert all(r.is_valid(bills()).all() for r in formulas.values())


def orders(n: int = 500, seed: int = 7) -> pd.DataFrame:
    """A product (amount = price x quantity, in cents), a sum of three that reads it
    (grand = amount + shipping + tip), the month and hour of an order time."""
    rng = np.random.default_rng(seed)
    price, quantity = rng.gamma(2, 10, n).round(2), rng.integers(1, 12, n)
    amount, tip = (price * quantity).round(2), rng.gamma(1, 3, n).round(2)
    shipping = rng.choice([0.0, 4.99, 9.99], n)
    placed = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 400 * 24, n), "h")
    return pd.DataFrame(
        {
            "placed": placed,
            "month": placed.month,
            "hour": pd.Series(placed.hour).mask(rng.random(n) < 0.1).where(
                pd.Series(placed).notna()
            ),
            "price": price,
            "quantity": quantity,
            "amount": amount,
            "shipping": shipping,
            "tip": tip,
            "grand": (amount + shipping + tip).round(2),
            "weight": rng.gamma(2, 1, n).round(3),
        }
    )


def test_products_sums_of_three_and_date_parts_are_found() -> None:
    rules = discover_rules(orders())
    formulas = {r.column: r for r in rules if isinstance(r, Formula)}
    assert formulas["amount"].operator == "product"
    assert set(formulas["amount"].inputs) == {"price", "quantity"}
    assert set(formulas["grand"].inputs) == {"amount", "shipping", "tip"}
    # grand reads the computed amount: its inverse must run after amount's
    order = [r.column for r in rules if isinstance(r, Formula)]
    assert order.index("grand") < order.index("amount")
    parts = {r.column: r.part for r in rules if isinstance(r, DatePart)}
    assert parts == {"month": "month"}  # hour has gaps where the time has none: no rule
    assert "weight" not in formulas


@pytest.mark.parametrize("model", MODELS)
def test_every_model_keeps_products_chains_and_date_parts(model: str) -> None:
    real = orders(300)
    synth = Synthesizer(model, seed=0, rules="auto", **fast_params(model)).fit(real)
    kinds = {type(r) for r in synth.discovered_rules_}
    assert {Formula, DatePart} <= kinds
    out = synth.sample(400)
    for rule in synth.discovered_rules_:
        assert rule.is_valid(out, synth.schema_).all(), (model, rule)


def test_a_range_asked_of_a_rate_column_asks_its_input() -> None:
    synth = Synthesizer("trees", seed=0, rules="auto").fit(bills(800))
    rate = next(r for r in synth.discovered_rules_ if getattr(r, "column", "") == "charge")
    low, high = rate.condition_bounds({"charge": (30.0, 31.0)})["minutes"]
    assert low == pytest.approx(29.995 / 0.17) and high == pytest.approx(31.005 / 0.17)
    out = synth.sample(100, conditions={"charge": (30.0, 31.0)})
    assert out["charge"].between(30.0, 31.0).all()
    assert rate.is_valid(out).all()


def test_evaluation_reports_the_real_rules_and_the_rows_that_break_them() -> None:
    from synthtab.evaluation import evaluate

    real = bills(400)
    broken = real.assign(charge=real["charge"].sample(frac=1.0, random_state=0).to_numpy())
    report = evaluate(real, broken, figures=False)
    result = next(r for r in report.results if r.name == "discovered_rules")
    shares = dict(zip(result.details["rule"], result.details["synthetic_share"], strict=True))
    assert shares["Formula(total = net + tax, to 0.01)"] == 1.0
    assert shares["Formula(charge = 0.17 * minutes, to 0.01)"] < 0.1
    assert evaluate(real, real, figures=False).scores["discovered_rules"] == 1.0


def applications(n: int = 500, seed: int = 5) -> pd.DataFrame:
    """Joint income empty exactly for individual applications; a co-applicant's debt
    ratio empty exactly when the joint income is; a gap that follows nothing."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(["individual", "joint"], n, p=[0.8, 0.2])
    joint = pd.Series(rng.gamma(3, 30_000, n).round(-2)).where(kind == "joint")
    return pd.DataFrame(
        {
            "kind": kind,
            "income": rng.gamma(2, 30_000, n).round(-2),
            "joint_income": joint,
            "joint_ratio": pd.Series(rng.random(n).round(3)).where(joint.notna()),
            "phone": pd.Series(rng.integers(0, 9, n)).mask(rng.random(n) < 0.1).astype("Int64"),
        }
    )


def test_missingness_that_follows_a_rule_is_found() -> None:
    rules = {r.column: r for r in discover_rules(applications()) if isinstance(r, MissingWhen)}
    assert rules["joint_income"].when == "kind" and rules["joint_income"].label == "individual"
    assert rules["joint_ratio"].when in {"joint_income", "kind"}
    assert "phone" not in rules


def test_grids_are_found_and_kept() -> None:
    rng = np.random.default_rng(6)
    n = 400
    frame = pd.DataFrame(
        {
            "price": 5.0 * rng.integers(2, 60, n),  # steps of 5
            "hours": 0.25 * rng.integers(4, 40, n) + 0.5,  # quarters from a half
            "weight": rng.gamma(2, 3, n).round(2),  # on its own rounding only
            "label": rng.choice(["a", "b"], n),
        }
    )
    grids = {r.column: r for r in discover_rules(frame) if isinstance(r, Grid)}
    assert (grids["price"].step, grids["price"].offset) == (5.0, 0.0)
    assert (grids["hours"].step, grids["hours"].offset) == (0.25, 0.0)
    assert "weight" not in grids
    out = Synthesizer("trees", seed=0, rules="auto").fit(frame).sample(1000)
    assert (out["price"] % 5 == 0).all() and (out["hours"] * 4 == (out["hours"] * 4).round()).all()


def test_a_group_found_checks_other_tables_before_any_fit() -> None:
    real = loans()
    group = next(r for r in discover_rules(real) if isinstance(r, Lookup))
    shuffled = real.assign(grade=real["grade"].sample(frac=1.0, random_state=0).to_numpy())
    assert group.is_valid(real).all()
    assert group.is_valid(shuffled).mean() < 0.6


@pytest.mark.parametrize(("table", "kind"), [("bills", Formula), ("applications", MissingWhen)])
@pytest.mark.parametrize("model", MODELS)
def test_every_model_keeps_formulas_and_missingness_rules(model: str, table: str, kind) -> None:
    real = {"bills": bills, "applications": applications}[table](300)
    synth = Synthesizer(model, seed=0, rules="auto", **fast_params(model)).fit(real)
    assert any(isinstance(r, kind) for r in synth.discovered_rules_)
    out = synth.sample(600)
    for rule in synth.discovered_rules_:
        assert rule.is_valid(out, synth.schema_).all(), (model, rule)
