"""MultiTableSynthesizer: a database in, a database out, keys and relations kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab.errors import DataValidationError, InvalidParameterError, ModelFileError
from synthtab.relational import (
    MultiTableSynthesizer,
    Relation,
    check_database,
    detect_primary_keys,
    detect_relations,
)
from synthtab.relational.evaluation import (
    cross_table_correlations,
    parent_child_detection,
    relation_scores,
)
from synthtab.relational.plan import hierarchy_depth


def bank(seed: int = 0, n_customers: int = 240) -> dict[str, pd.DataFrame]:
    """customers -> accounts -> transactions; premium customers hold more accounts,
    and a transaction's amount grows with its customer's age. Some transactions have
    no account (missing) and some point at closed accounts that are gone (orphans)."""
    rng = np.random.default_rng(seed)
    segment = rng.choice(["basic", "premium"], n_customers, p=[0.7, 0.3])
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(1, n_customers + 1),
            "segment": segment,
            "age": rng.integers(20, 80, n_customers),
        }
    )
    per_customer = np.where(segment == "premium", 4, 1)
    owner = np.repeat(customers["customer_id"].to_numpy(), per_customer)
    accounts = pd.DataFrame(
        {
            "account_id": [f"AC-{i:05d}" for i in rng.permutation(len(owner)) + 100],
            "customer_id": owner,
            "kind": rng.choice(["checking", "savings"], len(owner)),
        }
    )
    per_account = rng.integers(1, 6, len(accounts))
    account = np.repeat(accounts["account_id"].to_numpy(), per_account).astype(object)
    age = customers.set_index("customer_id")["age"]
    owner_age = age.loc[np.repeat(accounts["customer_id"].to_numpy(), per_account)].to_numpy()
    amount = np.round(owner_age * 2.0 + rng.normal(0, 8, len(account)), 2)
    gone = rng.random(len(account)) < 0.04
    account[gone] = [f"AC-{i:05d}" for i in rng.integers(90000, 99999, gone.sum())]
    account[rng.random(len(account)) < 0.05] = None
    transactions = pd.DataFrame(
        {"transaction_id": np.arange(1, len(account) + 1), "account_id": account, "amount": amount}
    )
    return {"customers": customers, "accounts": accounts, "transactions": transactions}


BANK_RELATIONS = [
    "accounts.customer_id -> customers.customer_id",
    "transactions.account_id -> accounts.account_id",
]


@pytest.fixture(scope="module")
def fitted_bank() -> tuple[dict[str, pd.DataFrame], MultiTableSynthesizer]:
    tables = bank()
    return tables, MultiTableSynthesizer(seed=3).fit(tables)


def test_detection_finds_the_keys_and_relations() -> None:
    tables = bank()
    keys = detect_primary_keys(tables)
    assert keys == {
        "customers": ("customer_id",),
        "accounts": ("account_id",),
        "transactions": ("transaction_id",),
    }
    assert sorted(str(r) for r in detect_relations(tables, keys)) == BANK_RELATIONS


def test_a_key_named_after_its_table_is_found() -> None:
    # mlmRev's Exam split into its levels: schools.school, students.school
    rng = np.random.default_rng(0)
    schools = pd.DataFrame({"school": np.arange(1, 31), "avg": rng.normal(size=30)})
    students = pd.DataFrame(
        {
            "student": np.arange(1, 301),
            "school": rng.integers(1, 31, 300),
            "score": rng.normal(size=300),
        }
    )
    tables = {"schools": schools, "students": students}
    keys = detect_primary_keys(tables)
    assert keys["schools"] == ("school",)
    assert [str(r) for r in detect_relations(tables, keys)] == ["students.school -> schools.school"]


def test_every_key_resolves_and_orphans_and_gaps_keep_their_share(fitted_bank) -> None:
    tables, db = fitted_bank
    out = db.sample()
    assert sorted(str(r) for r in db.relations_) == BANK_RELATIONS
    for name, key in [
        ("customers", "customer_id"),
        ("accounts", "account_id"),
        ("transactions", "transaction_id"),
    ]:
        assert out[name][key].is_unique and out[name][key].notna().all()
    # a customer's accounts all point at synthetic customers: nothing was real
    assert out["accounts"]["customer_id"].isin(out["customers"]["customer_id"]).all()
    scores = relation_scores(tables, out, db.relations_).set_index("relation")
    tx = scores.loc[BANK_RELATIONS[1]]
    assert tx["orphan_real"] == pytest.approx(tx["orphan_synthetic"], abs=0.02)
    assert tx["missing_real"] == pytest.approx(tx["missing_synthetic"], abs=0.02)
    # orphans point at keys that no synthetic account holds
    orphans = out["transactions"]["account_id"].dropna()
    orphans = orphans[~orphans.isin(out["accounts"]["account_id"])]
    assert len(orphans) == pytest.approx(tx["orphan_synthetic"] * len(out["transactions"]))
    assert orphans.str.fullmatch(r"AC-\d{5}").all()  # keys keep the real ones' shape
    assert scores.loc[BANK_RELATIONS[0], "integrity"] == 1.0  # no real orphans: none made
    assert scores.loc[BANK_RELATIONS[1], "integrity"] > 0.97  # orphans drawn as often as real
    assert (scores["children_ks"] < 0.12).all(), scores["children_ks"]


def test_children_per_parent_follow_the_parents_columns(fitted_bank) -> None:
    tables, db = fitted_bank
    out = db.sample()

    def accounts_per_segment(t: dict[str, pd.DataFrame]) -> pd.Series:
        held = t["accounts"].groupby("customer_id").size()
        customers = t["customers"].set_index("customer_id")
        return held.reindex(customers.index, fill_value=0).groupby(customers["segment"]).mean()

    real, fake = accounts_per_segment(tables), accounts_per_segment(out)
    assert fake["premium"] == pytest.approx(real["premium"], abs=0.5)
    assert fake["basic"] == pytest.approx(real["basic"], abs=0.3)
    # a grandparent's column still shapes the grandchildren: age -> amount
    joined = Relation.parse("accounts.customer_id -> customers.customer_id")
    amount_by_age = cross_table_correlations(tables, out, joined, [("age", "kind")])
    assert amount_by_age.shape[0] == 1
    tx = (
        out["transactions"]
        .merge(out["accounts"], on="account_id")
        .merge(out["customers"], on="customer_id")
    )
    assert tx["age"].corr(tx["amount"], method="spearman") > 0.8


def test_root_rows_scale_and_children_follow(fitted_bank) -> None:
    tables, db = fitted_bank
    out = db.sample(scale=2.0)
    assert len(out["customers"]) == 2 * len(tables["customers"])
    # children per parent are drawn per parent, then scaled to the real total
    for child in ("accounts", "transactions"):
        assert len(out[child]) == pytest.approx(2 * len(tables[child]), rel=0.01)


def test_same_seed_same_database_and_a_saved_model_samples_the_same(fitted_bank, tmp_path) -> None:
    _, db = fitted_bank
    first, again, other = db.sample(seed=5), db.sample(seed=5), db.sample(seed=6)
    for name in first:
        pd.testing.assert_frame_equal(first[name], again[name])
    assert not first["transactions"].equals(other["transactions"])
    loaded = MultiTableSynthesizer.load(db.save(tmp_path / "bank.synth"))
    reloaded = loaded.sample(seed=5)
    for name in first:
        pd.testing.assert_frame_equal(first[name], reloaded[name])
    assert [str(r) for r in loaded.relations_] == [str(r) for r in db.relations_]


def test_a_table_that_refers_to_itself_gets_a_tree_of_its_own_rows() -> None:
    rng = np.random.default_rng(1)
    boss = [None, *rng.integers(1, 4, 6), *rng.integers(4, 10, 90)]
    staff = pd.DataFrame(
        {
            "employee_id": np.arange(1, 98),
            "manager_id": pd.array(boss, dtype="Int64"),
            "salary": np.round(rng.lognormal(10.5, 0.3, 97), -2),
        }
    )
    assert [str(r) for r in detect_relations({"staff": staff}, {"staff": ("employee_id",)})] == [
        "staff.manager_id -> staff.employee_id"  # named for a role, found by its values
    ]
    db = MultiTableSynthesizer(seed=0).fit({"staff": staff})
    out = db.sample(scale=1.0)["staff"]
    ids = set(out["employee_id"])
    managers = out["manager_id"].dropna()
    assert managers.isin(ids).all()  # every manager is one of the synthetic staff
    assert out["manager_id"].isna().sum() >= 1  # someone is at the top
    # follow the chain up from every employee: it ends at the top, never in a loop
    up = dict(zip(out["employee_id"], out["manager_id"], strict=True))
    for start in out["employee_id"]:
        seen, node = set(), start
        while pd.notna(node):
            assert node not in seen, f"cycle through {node}"
            seen.add(node)
            node = up[node]
    assert out["manager_id"].value_counts().max() > 5  # managers have teams, as real ones do


def test_a_key_of_data_columns_stays_unique_and_children_point_at_it() -> None:
    rng = np.random.default_rng(2)
    hours = pd.date_range("2024-01-01", periods=60, freq="h")
    weather = pd.DataFrame(
        [(s, h) for s in ["JFK", "LGA", "EWR"] for h in hours], columns=["station", "hour"]
    )
    weather["temp"] = np.round(rng.normal(5, 3, len(weather)), 1)
    picks = rng.integers(0, len(weather), 900)
    flights = weather.iloc[picks][["station", "hour"]].reset_index(drop=True)
    flights["delay"] = np.round(-3 * weather["temp"].to_numpy()[picks] + rng.normal(0, 5, 900))
    tables = {"weather": weather, "flights": flights}
    db = MultiTableSynthesizer(seed=0).fit(
        tables,
        relations=["flights.station,hour -> weather.station,hour"],
    )
    assert db.primary_keys_["weather"] == ("station", "hour")
    out = db.sample()
    assert not out["weather"].duplicated(["station", "hour"]).any()
    # a full grid of keys: repeats are redrawn or moved to free hours, not dropped en masse
    assert len(out["weather"]) >= 0.97 * len(weather)
    assert abs(len(out["flights"]) - len(flights)) <= 0.1 * len(flights)
    joined = out["flights"].merge(
        out["weather"], on=["station", "hour"], how="left", indicator=True
    )
    assert (joined["_merge"] == "both").all()
    # the weather a flight was drawn with is the weather of the row it points at
    assert joined["temp"].corr(joined["delay"]) < -0.3


def test_reference_tables_are_kept_and_pointed_at() -> None:
    tables = bank()
    db = MultiTableSynthesizer(seed=0, reference=["customers"]).fit(tables)
    out = db.sample()
    pd.testing.assert_frame_equal(out["customers"], tables["customers"])
    assert out["accounts"]["customer_id"].isin(tables["customers"]["customer_id"]).all()


def test_a_repeated_primary_key_is_named_with_its_table() -> None:
    tables = bank()
    tables["customers"].loc[3, "customer_id"] = 1
    with pytest.raises(
        DataValidationError, match=r"primary key \['customer_id'\] of table 'customers' repeats"
    ):
        MultiTableSynthesizer(primary_keys={"customers": "customer_id"}).fit(tables, BANK_RELATIONS)


def test_every_problem_of_a_database_is_named_at_once() -> None:
    tables = bank()
    keys = {"customers": ("customer_id",), "accounts": ("account_id",)}
    relations = [
        Relation.parse("accounts.owner -> customers.customer_id"),
        Relation.parse("transactions.account_id -> branches.branch_id"),
        Relation.parse("accounts.customer_id -> customers.segment"),
    ]
    with pytest.raises(DataValidationError) as caught:
        check_database(tables, keys, relations)
    text = str(caught.value)
    assert "columns ['owner'] that table 'accounts' lacks" in text or "owner" in text
    assert "table 'branches', which is not given" in text
    assert "not the primary key of table 'customers'" in text


def test_a_cycle_between_two_tables_is_refused() -> None:
    a = pd.DataFrame({"a_id": [1, 2, 3], "b_id": [1, 2, 2]})
    b = pd.DataFrame({"b_id": [1, 2], "a_id": [1, 3]})
    with pytest.raises(DataValidationError, match="cycle"):
        MultiTableSynthesizer().fit({"a": a, "b": b}, ["a.b_id -> b.b_id", "b.a_id -> a.a_id"])


def test_a_relation_between_a_number_and_a_text_is_refused() -> None:
    tables = bank()
    tables["accounts"]["customer_id"] = tables["accounts"]["customer_id"].astype(str)
    with pytest.raises(DataValidationError, match=r"joins accounts.customer_id .* cast one"):
        MultiTableSynthesizer().fit(tables, BANK_RELATIONS)


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ([pd.DataFrame({"a": [1]})], "expected a dict of table name"),
        ({"t": pd.DataFrame()}, "table 't' has no rows"),
        ({"t": [1, 2]}, "table 't' is a list"),
    ],
)
def test_what_is_not_a_database_is_refused(tables, message) -> None:
    with pytest.raises(DataValidationError, match=message):
        MultiTableSynthesizer().fit(tables)


def test_options_that_name_unknown_tables_are_refused() -> None:
    with pytest.raises(InvalidParameterError, match=r"table\(s\) \['branches'\]"):
        MultiTableSynthesizer(reference=["branches"]).fit(bank())
    with pytest.raises(InvalidParameterError, match=r"child\.column -> parent\.column"):
        MultiTableSynthesizer().fit(
            bank(), relations=["accounts.customer_id = customers.customer_id"]
        )
    with pytest.raises(InvalidParameterError, match="scale"):
        MultiTableSynthesizer().fit(bank(n_customers=40)).sample(scale=0)


def test_a_one_table_model_file_is_not_read_as_a_database(tmp_path) -> None:
    from synthtab import Synthesizer

    path = (
        Synthesizer("marginals", seed=0)
        .fit(pd.DataFrame({"x": range(30)}))
        .save(tmp_path / "one.synth")
    )
    with pytest.raises(ModelFileError, match="one-table model"):
        MultiTableSynthesizer.load(path)


def _shop(seed: int, n: int = 400) -> dict[str, pd.DataFrame]:
    """customers -> orders, an order's amount twice its customer's age."""
    rng = np.random.default_rng(seed)
    customers = pd.DataFrame({"customer_id": np.arange(n), "age": rng.integers(20, 80, n)})
    owner = rng.integers(0, n, 3 * n)
    amount = 2.0 * customers["age"].to_numpy()[owner] + rng.normal(0, 3, 3 * n)
    orders = pd.DataFrame({"order_id": np.arange(3 * n), "customer_id": owner, "amount": amount})
    return {"customers": customers, "orders": orders}


def test_parent_child_detection_finds_children_given_to_the_wrong_parents() -> None:
    real, fresh = _shop(0), _shop(1)
    shuffled = {**fresh, "orders": fresh["orders"].copy()}
    shuffled["orders"]["customer_id"] = np.random.default_rng(2).permutation(
        shuffled["orders"]["customer_id"].to_numpy()
    )
    relation = [Relation.parse("orders.customer_id -> customers.customer_id")]
    keys = {"customers": ["customer_id"], "orders": ["order_id"]}
    # each table alone is as real as ever; only the join tells them apart
    same = parent_child_detection(real, fresh, relation, primary_keys=keys)["detection_auc"].item()
    wrong = parent_child_detection(real, shuffled, relation, primary_keys=keys)
    assert same < 0.6
    assert wrong["detection_auc"].item() > 0.8


def test_a_hierarchy_keeps_one_top_and_its_depth_shares() -> None:
    # one chief, 8 heads, 60 leads, the rest staff: a rare top is drawn all the same
    rng = np.random.default_rng(4)
    level = np.r_[0, np.full(8, 1), np.full(60, 2), np.full(531, 3)]
    manager = np.full(len(level), -1)
    for depth in (1, 2, 3):
        below = np.flatnonzero(level == depth)
        manager[below] = rng.choice(np.flatnonzero(level == depth - 1), len(below))
    staff = pd.DataFrame(
        {
            "employee_id": np.arange(1, len(level) + 1),
            "manager_id": pd.array(np.where(manager >= 0, manager + 1, 0), dtype="Int64"),
            "salary": np.round(200_000 * 0.6**level * rng.lognormal(0, 0.1, len(level)), -2),
        }
    )
    staff.loc[manager < 0, "manager_id"] = pd.NA
    for seed in (0, 1, 2):
        out = MultiTableSynthesizer(seed=seed).fit({"staff": staff}).sample()["staff"]
        depth = hierarchy_depth(out["employee_id"], out["manager_id"])
        assert out["manager_id"].isna().sum() == 1
        shares = np.bincount(depth, minlength=4) / len(depth)
        np.testing.assert_allclose(shares, np.bincount(level) / len(level), atol=0.03)
