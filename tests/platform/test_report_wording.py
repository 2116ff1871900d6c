"""The report's plain-language figures, shared by the page and the PDF."""

from types import SimpleNamespace

import pytest

from analysis.report import Report, rank_findings
from tests.platform.test_report import event


def report(duration_s: float, summary: dict) -> Report:
    analysis = SimpleNamespace(recording=SimpleNamespace(duration_s=duration_s))
    return Report(analysis, [], [], [], None, {}, summary=summary)


@pytest.mark.parametrize(
    ("seconds", "text"), [(42.4, "42 s"), (180, "3 min 0 s"), (11_045, "3 h 4 min")]
)
def test_duration_reads_as_a_length(seconds, text):
    assert report(seconds, {}).duration == text


def test_heart_rate_says_when_it_was_not_measured():
    summary = {"hr_min_bpm": 52.0, "hr_max_bpm": 80.0, "hr_mean_bpm": 66.0}
    assert report(60, summary).heart_rate == "52.0 to 80.0 bpm, mean 66.0 bpm"
    unreadable = {"hr_min_bpm": None, "hr_max_bpm": None, "hr_mean_bpm": None}
    assert report(60, unreadable).heart_rate == "not measured (too little readable signal)"


def test_how_often_counts_in_words():
    single = rank_findings([event("pvc", 10, 1)])[0]
    runs = rank_findings([event("v_run", 50, 3, end=52), event("v_run", 70, 3, end=90)])[0]
    assert single.how_often == "1 time"
    assert runs.how_often == "2 times, 22 s in all"
