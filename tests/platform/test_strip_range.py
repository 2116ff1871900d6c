"""An event's strip shows the event in context: centred when it fits, else from just before it."""

from __future__ import annotations

import pytest

from analysis.models import Event
from analysis.report import STRIP_LEAD_IN_S, strip_range


@pytest.mark.parametrize(
    ("start_s", "end_s", "expected"),
    [
        (100.0, 100.0, (95.0, 105.0)),  # one beat, centred
        (100.0, 104.0, (97.0, 107.0)),  # a run, centred
        (
            100.0,
            130.0,
            (100.0 - STRIP_LEAD_IN_S, 110.0 - STRIP_LEAD_IN_S),
        ),  # first beat not on the edge
        (0.4, 30.0, (0.0, 10.0)),  # never before the recording
        (2.0, 2.0, (0.0, 10.0)),
    ],
)
def test_strip_range(start_s, end_s, expected):
    assert strip_range(Event(start_s=start_s, end_s=end_s)) == pytest.approx(expected)
