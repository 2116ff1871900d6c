"""Reviewed labels of closed cases are exported as a training set that mlcore reads back."""

import csv
import io

import numpy as np
import pytest
import wfdb
from django.core.management import call_command

from analysis import review
from analysis.models import Analysis
from analysis.timeline import results
from mlcore import labels
from tests.platform.helpers import analysed_upload, wfdb_slice
from tests.platform.review_helpers import make_case, make_reviewer


@pytest.fixture
def reviewed(alice, alice_client, mitdb, tmp_path):
    """One minute of MIT-BIH 119 analysed, and a closed review with a relabel, a reject, a confirm."""
    analysis = analysed_upload(alice_client, wfdb_slice(mitdb, "119", 60, tmp_path))
    assert analysis.recording.owner == alice
    Analysis.objects.filter(pk=analysis.pk).update(flagged=True)  # whatever the models found
    analysis.refresh_from_db()
    case = review.open_case(analysis)
    ectopic = list(analysis.events.filter(type__in=labels.EVENT_CLASS))
    assert len(ectopic) >= 3, "119 has ventricular ectopy in its first minute"
    rita = make_reviewer("rita")
    review.claim(case.pk, rita)
    review.decide(case, ectopic[0], rita, "relabel", new_class="N")
    review.decide(case, ectopic[1], rita, "reject")
    review.decide(case, ectopic[2], rita, "confirm")
    review.close(case, rita, "Reviewed.", with_undecided=True)
    return case, ectopic


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_relabelled_events_appear_in_the_export(reviewed, alice, tmp_path):
    case, ectopic = reviewed
    open_case = make_case(alice, name="still-open")  # not closed: not exported
    out = tmp_path / "export"
    call_command("export_review_labels", str(out))

    rows = read_csv(out / "labels.csv")
    assert tuple(rows[0]) == labels.CSV_COLUMNS
    assert [int(r["event"]) for r in rows] == [e.pk for e in ectopic[:3]]
    assert {r["record"] for r in rows} == {f"a{case.analysis_id}"} != {f"a{open_case.analysis_id}"}
    relabel, reject, confirm = rows
    assert (relabel["decision"], relabel["aami_class"], relabel["reviewer"]) == (
        "relabel",
        "N",
        "rita",
    )
    assert relabel["event_type"] == ectopic[0].type and float(relabel["start_s"]) == pytest.approx(
        ectopic[0].start_s, abs=1e-3
    )
    assert int(relabel["beats_labelled"]) >= 1
    assert (reject["decision"], reject["aami_class"], reject["label_type"]) == ("reject", "", "")
    assert reject["beats_labelled"] == "0"
    expected_confirm = labels.EVENT_CLASS[ectopic[2].type]
    assert (confirm["aami_class"], confirm["label_type"]) == (expected_confirm, ectopic[2].type)

    # The WFDB record: every detected beat in .qrs, the relabelled ones as N in .atr.
    record = str(out / f"a{case.analysis_id}")
    times = results(case.analysis)["beat_times_s"]
    assert len(wfdb.rdann(record, "qrs").sample) == len(times)
    atr = wfdb.rdann(record, "atr")
    n_labelled = int(relabel["beats_labelled"]) + int(confirm["beats_labelled"])
    assert len(atr.sample) == n_labelled
    relabelled_at = round(ectopic[0].start_s * case.analysis.recording.sampling_rate)
    assert atr.symbol[list(atr.sample).index(relabelled_at)] == "N"

    # ... which the training code reads back as beats to append.
    beats = labels.reviewed_beats(out, leads=2)
    assert len(beats) == n_labelled
    assert np.sum(beats.labels == 0) >= int(relabel["beats_labelled"])  # class N

    # A closed case whose results are gone is reported and skipped, not fatal.
    broken = make_case(alice, name="no-results")
    rita = case.decisions.first().reviewer
    review.claim(broken.pk, rita)
    review.decide(broken, broken.analysis.events.first(), rita, "confirm")
    review.close(broken, rita, "Fine.", with_undecided=True)
    err = io.StringIO()
    call_command("export_review_labels", str(tmp_path / "again"), stderr=err)
    assert f"skipped analysis {broken.analysis_id}" in err.getvalue()
    assert read_csv(tmp_path / "again" / "labels.csv") == rows

    only_csv = tmp_path / "csv-only"
    call_command("export_review_labels", str(only_csv), "--no-signals")
    assert read_csv(only_csv / "labels.csv") == rows
    assert not list(only_csv.glob("*.atr"))
