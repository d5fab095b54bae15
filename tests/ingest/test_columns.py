"""The column checks of native readings accept nothing the model refuses, and read the same.

``ingest/columns.py`` takes the usual items without a model object each; whatever it does not
take goes to ``ReadingIn``. Here any item, however odd, is given to both: when the columns
take it, the model must accept it with the same device, time, quantity, value and unit.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from convergence.ingest.columns import ColumnReader, ReadingColumns
from convergence.ingest.envelope import Envelope, Source
from convergence.ingest.messages import ReadingIn

GOOD_TIMES = ["2026-11-28T09:00:00Z", "2026-11-28T09:00:00.5+02:00"]
TIMES = st.sampled_from(
    [
        "2026-11-28T09:00:00Z",
        "2026-11-28T09:00:00.5+02:00",
        "2026-11-28 09:00:00.123456-05:30",
        "2026-11-28T09:00:00",  # no zone: refused by both
        "2026-11-28",
        "2026-02-30T09:00:00Z",
        "2026-11-28T24:00:00Z",
        "2026-11-28T09:00:60Z",
        "20261128T090000Z",
        "2026-11-28T09:00:00.1234567Z",
        "1700000000",
        "",
    ]
)
VALUES = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.none()
    | st.sampled_from(["12", "1e3", "NaN"])
)
TEXTS = st.text(max_size=70) | st.integers(min_value=-(10**12), max_value=10**12) | st.none()


def items() -> st.SearchStrategy[dict[str, Any]]:
    """Usual items with one field (or key) odd, and items of any shape."""
    odd = {
        "device": TEXTS | st.text(min_size=60, max_size=80) | st.booleans(),
        "ts": TIMES | st.integers() | st.none(),
        "quantity": TEXTS,
        "value": VALUES,
        "unit": st.none() | st.text(max_size=25) | st.integers(),
        "extra": st.integers(),
    }
    usual = st.fixed_dictionaries(
        {
            "device": st.sampled_from(["SONO-01", 7]),
            "ts": st.sampled_from(GOOD_TIMES),
            "quantity": st.sampled_from(["laeq", "pm25"]),
            "value": st.floats(min_value=-1e3, max_value=1e3),
        },
        optional={"unit": st.sampled_from(["dB(A)", "µg/m³"])},
    )
    one_odd = st.sampled_from(sorted(odd)).flatmap(
        lambda key: st.tuples(usual, odd[key], st.booleans()).map(
            lambda drawn: _changed(drawn[0], key, drawn[1], remove=drawn[2])
        )
    )
    return one_odd | usual | st.fixed_dictionaries({}, optional=odd)


def _changed(item: dict[str, Any], key: str, value: Any, *, remove: bool) -> dict[str, Any]:
    if remove:
        return {k: v for k, v in item.items() if k != key}
    return {**item, key: value}


def _envelope(device_ref: str | None) -> Envelope:
    return Envelope(Source.http, b"{}", datetime.now(UTC), member_id=1, device_ref=device_ref)


@settings(max_examples=800, deadline=None)
@given(item=items(), topic=st.sampled_from([None, None, None, "SONO-01", "", "x" * 70]))
def test_what_the_columns_take_the_model_takes_alike(
    item: dict[str, Any], topic: str | None
) -> None:
    columns = ReadingColumns(slot=0, envelope=_envelope(topic), batch=True)
    taken = ColumnReader(columns, topic).take(0, "readings[0]", item)
    event("taken" if taken else "left to the model")
    if not taken:
        return
    model = ReadingIn.model_validate(item if topic is None else {**item, "device": topic})
    assert columns.devices == [model.device]
    assert columns.times == [model.ts]
    assert columns.times[0].utcoffset() == model.ts.utcoffset()
    assert columns.quantities == [model.quantity]
    assert columns.values == [model.value]
    assert type(columns.values[0]) is float
    assert columns.units == [model.unit]


def test_the_usual_items_are_taken_and_the_others_left_to_the_model() -> None:
    columns = ReadingColumns(slot=0, envelope=_envelope(None), batch=True)
    reader = ColumnReader(columns, None)
    usual = {"device": 7, "ts": "2026-11-28T09:00:00+01:00", "quantity": "laeq", "value": 55}
    assert reader.take(0, "readings[0]", usual)
    assert reader.take(1, "readings[1]", {**usual, "unit": "dB(A)", "value": 55.5})
    assert columns.devices == ["7", "7"]
    assert columns.values == [55.0, 55.5]
    for odd in (
        {**usual, "value": True},
        {**usual, "value": "12"},
        {**usual, "ts": "2026-11-28T09:00:00"},
        {**usual, "colour": "red"},
        {key: value for key, value in usual.items() if key != "device"},
        [usual],
    ):
        assert not reader.take(2, "readings[2]", odd)
    assert len(columns) == 2


def _runs() -> st.SearchStrategy[list[Any]]:
    """Runs of one usual shape (what senders send), sometimes with one item changed in one
    field or with its keys changed, anywhere in the run."""
    fields = {
        "device": st.sampled_from(["SONO-01", "SONO-02"]),
        "ts": st.sampled_from(GOOD_TIMES),
        "quantity": st.sampled_from(["laeq", "pm25"]),
        "value": st.floats(min_value=-1e3, max_value=1e3),
    }
    odd = {
        "device": TEXTS | st.text(min_size=60, max_size=80) | st.booleans(),
        "ts": TIMES | st.integers() | st.none(),
        "quantity": TEXTS,
        "value": st.sampled_from([math.inf, -math.inf, math.nan, 3, True, "1", None]) | VALUES,
        "unit": st.sampled_from(["x" * 20, "x" * 21, "", None, 20]) | TEXTS,
    }
    uniform = st.booleans().flatmap(
        lambda unit: st.lists(
            st.fixed_dictionaries(
                {**fields, "unit": st.sampled_from(["dB(A)", None])} if unit else fields
            ),
            min_size=1,
            max_size=12,
        )
    )
    changed = st.tuples(uniform, st.sampled_from(sorted(odd))).flatmap(
        lambda drawn: odd[drawn[1]].map(
            lambda value: [*drawn[0][:-1], _changed(drawn[0][-1], drawn[1], value, remove=False)]
        )
    )
    return st.one_of(changed, changed, changed, uniform, st.lists(items(), max_size=4))


@settings(max_examples=400, deadline=None)
@given(run=_runs(), topic=st.sampled_from([None, None, "SONO-01", "x" * 70]))
def test_a_run_taken_at_once_reads_as_item_by_item(run: list[Any], topic: str | None) -> None:
    labels: list[str | None] = [f"readings[{i}]" for i in range(len(run))]
    envelope = _envelope(topic)
    at_once = ReadingColumns(slot=0, envelope=envelope, batch=True)
    left = ColumnReader(at_once, topic).take_all(3, labels, run)
    one_by_one = ReadingColumns(slot=0, envelope=envelope, batch=True)
    reader = ColumnReader(one_by_one, topic)
    assert left == [i for i, item in enumerate(run) if not reader.take(3 + i, labels[i], item)]
    assert at_once == one_by_one
    assert [type(v) for v in at_once.values] == [float] * len(at_once)
