"""Clinical QA of the report: the strips' grid is what their label says, strips show the lead
that was classified, a lead other than II is said to be less reliable, the electrode advice needs
more than a few seconds of noise, and a finding says how many of its events are of each severity."""

import re

import numpy as np
import pytest
from django.urls import reverse

from analysis.models import Analysis, Event
from analysis.pdf import GRID_MV, GRID_S, strip_figure
from analysis.report import (
    UNREADABLE_ADVICE_FRACTION,
    UNREADABLE_ADVICE_S,
    build_report,
    findings_of,
    lead_caveat,
    next_steps,
    rank_findings,
)
from tests.platform.helpers import analysed_upload, wfdb_slice
from tests.platform.review_helpers import make_case
from tests.platform.test_report_pdf_print import page_texts

ELECTRODES = "check that the electrodes stick well"


def event(kind, start, severity, end=None):
    return Event(type=kind, start_s=start, end_s=end or start, severity=severity, score=1.0)


@pytest.fixture
def analysis_114(alice_client, mitdb, tmp_path) -> Analysis:
    """20 s of MIT-BIH 114, whose first lead is V5 and second MLII."""
    files = wfdb_slice(mitdb, "114", 20, tmp_path)
    return analysed_upload(alice_client, files)


def grid_steps(axis) -> set[float]:
    """The distances between neighbouring grid lines (major and minor ticks) of an axis."""
    locations = np.union1d(axis.get_majorticklocs(), axis.get_minorticklocs())
    return {round(float(step), 6) for step in np.diff(locations)}


def test_the_strip_grid_is_what_its_label_says(analysis_114):
    ax = strip_figure(analysis_114, 2.0, 12.0, lead=1).axes[0]
    assert "grid 0.2 s × 0.5 mV" in ax.get_xlabel() and (GRID_S, GRID_MV) == (0.2, 0.5)
    # The grid is drawn at every tick, major and minor: 0.2 s and 0.5 mV apart, the majors on it.
    assert grid_steps(ax.xaxis) == {0.2}
    assert grid_steps(ax.yaxis) == {0.5}
    for locations in (ax.xaxis.get_majorticklocs() / 0.2, ax.yaxis.get_majorticklocs() / 0.5):
        assert np.allclose(locations, np.round(locations))
    for axis in (ax.xaxis, ax.yaxis):
        ticks = axis.get_major_ticks() + axis.get_minor_ticks()
        assert all(tick.gridline.get_visible() for tick in ticks)


def test_strips_show_the_classified_lead(alice_client, analysis_114):
    analysis = analysis_114
    assert analysis.lead_names == ["V5", "MLII"]
    assert analysis.summary["classified_lead"] == "MLII"
    assert strip_figure(analysis, 2.0, 12.0).axes[0].get_ylabel() == "MLII (mV)"
    assert strip_figure(analysis, 2.0, 12.0, lead=0).axes[0].get_ylabel() == "V5 (mV)"

    Event.objects.create(analysis=analysis, type="pvc", start_s=5, end_s=5, severity=1, score=1)
    report = alice_client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert "classified on lead MLII" in report and "lead-caveat" not in report
    assert re.search(r'alt="ECG strip around [^"]*, lead MLII"', report)
    # The timeline starts on the classified lead (timeline.js reads data-lead-name).
    page = alice_client.get(analysis.recording.get_absolute_url()).content.decode()
    assert 'data-lead-name="MLII"' in page

    # Classified on another lead (as when a recording has no lead II): the report says so.
    analysis.summary["classified_lead"] = "V5"
    analysis.save()
    caveat = lead_caveat("V5")
    assert "trained on lead II" in caveat and "classified lead V5" in caveat
    report = alice_client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert f'<p class="lead-caveat">{caveat}</p>' in report
    pdf = alice_client.get(reverse("analysis_report_pdf", args=[analysis.pk])).content
    words = " ".join(re.findall(r"\((.*?)\) Tj", page_texts(pdf)))
    assert " ".join(caveat.split()[-8:]) in words, words[:3000]
    assert strip_figure(analysis, 2.0, 12.0).axes[0].get_ylabel() == "V5 (mV)"


def test_a_lead_other_than_ii_gets_a_caveat():
    for lead in ("MLII", "ML2", "II", "ECG II", "Lead II", "ii", ""):
        assert lead_caveat(lead) == "", lead
    assert lead_caveat("V1") == (
        "The beat classifier was trained on lead II (MIT-BIH MLII); this recording has no lead II, "
        "so it classified lead V1, on which its beat classes are less reliable."
    )
    assert "classified lead I, on which" in lead_caveat("I")
    assert "whose placement is not given" in lead_caveat("ECG1")  # it may be lead II


def test_electrode_advice_needs_more_than_a_few_seconds_of_noise():
    def advised(unreadable_s, duration_s):
        findings = rank_findings([event("unreadable", 100, 1, end=100 + unreadable_s)])
        return any(ELECTRODES in s for s in next_steps(findings, [], None, duration_s))

    assert not advised(2.0, 1805.6)  # record 203: 99.87 % readable
    assert advised(UNREADABLE_ADVICE_FRACTION * 1805.6 + 1, 1805.6)
    assert not advised(UNREADABLE_ADVICE_S - 10, 86_400.0)
    assert advised(UNREADABLE_ADVICE_S, 86_400.0)
    assert advised(2.0, 30.0)  # a fifteenth of a short recording


def test_the_report_takes_the_recordings_duration_for_the_advice(alice):
    few = make_case(alice, [("unreadable", 10.0, 12.0, 1)], name="few").analysis  # of 600 s
    many = make_case(alice, [("unreadable", 10.0, 70.0, 1)], name="many").analysis
    assert not any(ELECTRODES in s for s in build_report(few).next_steps)
    assert any(ELECTRODES in s for s in build_report(many).next_steps)


def test_a_finding_says_how_many_events_of_each_severity(alice, alice_client):
    runs = [("s_run", 10.0 + i, 10.5 + i, 1) for i in range(154)] + [("s_run", 590.0, 592.0, 2)]
    analysis = make_case(alice, [*runs, ("pvc", 5.0, 5.0, 1), ("pvc", 6.0, 6.0, 1)]).analysis
    run, pvc = findings_of(analysis)
    assert run.how_often == "155 times (1 moderate, 154 minor), 79 s in all"
    assert pvc.how_often == "2 times"
    listed = rank_findings(list(analysis.events.all()))
    assert [f.how_often for f in listed] == [run.how_often, pvc.how_often]
    page = alice_client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert "155 times (1 moderate, 154 minor), 79 s in all" in page
