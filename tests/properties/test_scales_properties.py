"""Property tests (issue 21): every scale, for any combination of item values, returns a result or a one-line
error naming the item at fault; each call within a bounded time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facenerve.errors import FaceNerveError
from facenerve.scales import SCALES, score

#: Values of any JSON type a form or API client could send, plus each item's own valid values.
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                                                max_size=2),
)


def _item_values(spec: Any) -> st.SearchStrategy[dict[str, Any]]:
    fields = {}
    for item in spec.items:
        valid = (st.sampled_from(list(item.allowed)) if item.allowed
                 else st.floats(min_value=item.minimum, max_value=item.maximum))
        fields[item.key] = st.one_of(valid, valid, ANY_VALUE)  # mostly valid, so both outcomes are reached
    return st.fixed_dictionaries({}, optional=fields).flatmap(
        lambda data: st.dictionaries(st.sampled_from(["zz_unknown", "item_99"]), ANY_VALUE, max_size=1).map(
            lambda extra: {**data, **extra}))


@pytest.mark.parametrize("name", sorted(SCALES))
def test_any_items_give_a_result_or_an_error_naming_the_item(name: str) -> None:
    spec = SCALES[name]
    keys = [item.key for item in spec.items]

    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(_item_values(spec))
    def check(data: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            result = score(name, data)
        except FaceNerveError as exc:
            message = str(exc)
            assert "\n" not in message and any(f"'{key}" in message for key in [*keys, *data]), message
        else:
            assert isinstance(result.to_dict(), dict)
        assert time.perf_counter() - started < 1.0

    check()
