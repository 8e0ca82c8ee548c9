"""Reasons survive the database and read back the same; old plain texts stay readable."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desk_gui.models.reason import Reason, joined, loaded, reason, stored


def test_a_reason_reads_back_from_its_stored_form_with_nested_reasons() -> None:
    last = reason("server said: {answer}", answer="451 4.7.1 Greylisted, try again")
    why = reason("gave up after {n} attempts: {last}", n=12, last=last)
    back = loaded(stored(why))
    assert back == why and hash(back) == hash(why) and len({back, why}) == 1
    assert str(back) == "gave up after 12 attempts: server said: 451 4.7.1 Greylisted, try again"


def test_a_text_stored_before_reasons_had_a_structure_is_shown_as_it_is() -> None:
    old = "cancelled by anna {not a field}"
    assert loaded(old) == Reason(old) and str(Reason.decode(old)) == old
    broken = '{"reason": "cut off'  # looks like ours but is not JSON
    assert str(Reason.decode(broken)) == broken


def test_joined_keeps_both_and_leaves_a_single_one_alone() -> None:
    one = reason("no copy in Sent: {error}", error="timeout")
    assert joined(None, one) is one
    two = joined(reason("some recipients refused: {who}", who="x@example.test: 550"), one)
    assert str(two) == "some recipients refused: x@example.test: 550; no copy in Sent: timeout"
    assert loaded(stored(two)) == two


@given(st.text(), st.text(), st.integers())
def test_any_field_text_round_trips(text: str, field: str, n: int) -> None:
    why = reason("{a} / {n}", a=field, n=n)
    assert loaded(stored(why)) == why
    # Any other stored text reads back as itself, whatever it holds.
    assert text.startswith('{"reason":') or Reason.decode(text) == Reason(text)
