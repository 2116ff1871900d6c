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
    assert report(60, summary).heart_rate == "52.0 to 80.0 bpm, mean 66.0 bpm"  # stored before
    summary |= {"hr_min_at_s": 3725.0, "hr_max_at_s": 95.4}
    assert report(7200, summary).heart_rate == (
        "mean 66.0 bpm; lowest 52.0 bpm at 1:02:05, highest 80.0 bpm at 0:01:35 (over 10 beats)"
    )
    unreadable = {"hr_min_bpm": None, "hr_max_bpm": None, "hr_mean_bpm": None}
    assert report(60, unreadable).heart_rate == "not measured (too little readable signal)"


def test_how_often_counts_in_words():
    single = rank_findings([event("pvc", 10, 1)])[0]
    runs = rank_findings([event("v_run", 50, 3, end=52), event("v_run", 70, 3, end=90)])[0]
    assert single.how_often == "1 time"
    assert runs.how_often == "2 times, 22 s in all"


def test_ectopic_beats_are_counted_with_their_share_of_all_beats():
    summary = {"beats": 2000, "beats_by_class": {"N": 1000, "S": 12, "V": 959, "F": 29, "Q": 0}}
    assert report(1800, summary).ectopy == (
        "ventricular (V) 959, 48.0 % of beats; supraventricular (S) 12, 0.6 %; fusion (F) 29, 1.4 %"
    )
    assert report(10, {"beats": 0}).ectopy == "no beats found"
    one_in_many = {"beats": 2271, "beats_by_class": {"V": 1, "S": 0}}
    assert report(1800, one_in_many).ectopy.startswith("ventricular (V) 1, < 0.1 % of beats")


def test_hrv_is_given_over_normal_intervals_or_says_why_not():
    summary = {"sdnn_ms": 41.4, "rmssd_ms": 30.2}
    assert (
        report(1800, summary).hrv == "SDNN 41.4 ms, RMSSD 30.2 ms, over normal-to-normal intervals"
    )
    assert report(1800, {"sdnn_ms": None}).hrv.startswith("not given: fewer than half")


def test_the_page_and_the_pdf_tell_no_questionnaire_from_no_symptoms():
    assert report(60, {}).no_symptoms == "No questionnaire answered yet."
    answered = Report(SimpleNamespace(), [], [], [], object(), {})
    assert answered.no_symptoms == "No symptoms were reported during this recording."
