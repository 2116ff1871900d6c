"""benchmark_review runs: it makes its cases once, and every request it times answers 200."""

from __future__ import annotations

import io

from django.core.management import call_command

from analysis.models import Event, ReviewCase


def run(**options) -> str:
    out = io.StringIO()
    call_command("benchmark_review", "--cases", "6", "--repeat", "1", stdout=out, **options)
    return out.getvalue()


def test_it_times_the_queue_and_a_case(db):
    first = run()
    assert first.startswith("made 6 cases")
    rows = [line for line in first.splitlines() if "ms" in line]
    assert len(rows) == 10 and all(line.split()[-4] == "200" for line in rows)
    n_events = Event.objects.count()
    assert ReviewCase.objects.count() == 6 and n_events >= 6

    again = run()  # the same cases, not six more
    assert not again.startswith("made") and ReviewCase.objects.count() == 6
    assert Event.objects.count() == n_events
    assert run(fresh=True).startswith("made 6 cases") and ReviewCase.objects.count() == 6
