import numpy as np
import pytest
import wfdb

from mlcore.analyse import (
    ChunkResult,
    analyse_span,
    plan_chunks,
    stitch,
)
from mlcore.datasets import lead_order, model_lead
from mlcore.findings import MAJOR, find_events
from mlcore.infer import load_default_models
from mlcore.segment import AAMI_CLASSES
from mlcore.signal import ECGSignal


def test_plan_covers_the_recording_once():
    spans = plan_chunks(3700.0, chunk_s=1800.0, margin_s=30.0)
    assert [(s.start_s, s.stop_s) for s in spans] == [(0, 1800), (1800, 3600), (3600, 3700)]
    assert [(s.read_start_s, s.read_stop_s) for s in spans] == [
        (0, 1830),
        (1770, 3630),
        (3570, 3700),
    ]
    assert [s.index for s in spans] == [0, 1, 2]


@pytest.mark.parametrize("duration", [1.0, 1800.0, 1800.5])
def test_short_or_exact_recordings(duration):
    spans = plan_chunks(duration, chunk_s=1800.0, margin_s=30.0)
    assert spans[0].start_s == 0 and spans[-1].stop_s == duration
    assert len(spans) == (2 if duration > 1800 else 1)


def chunk(times, classes, unreadable=(), vf=()) -> ChunkResult:
    n = len(times)
    return ChunkResult(
        beat_times_s=np.asarray(times, float),
        classes=np.asarray(classes, np.int64),
        confidence=np.ones(n, np.float32),
        scores=np.arange(n, dtype=np.float32),
        unreadable_s=np.asarray(unreadable, float).reshape(-1, 2),
        display=np.zeros((0, 2), np.int16),
        fs=360.0,
        in_af=np.arange(n) % 2 == 1,
        vf_s=np.asarray(vf, float).reshape(-1, 2),
        hidden_s=np.zeros((0, 2)),
    )


def test_stitch_concatenates_and_merges_spans_across_borders():
    stitched = stitch(
        [
            chunk([1.0, 2.0], [0, 2], [(5.0, 10.0)], vf=[(8.0, 10.0)]),
            chunk([11.0], [1], [(10.0, 12.0), (20.0, 25.0)], vf=[(10.0, 11.0)]),
        ],
        threshold=0.5,
    )
    track = stitched.track
    np.testing.assert_array_equal(track.times_s, [1.0, 2.0, 11.0])
    np.testing.assert_array_equal(track.classes, [0, 2, 1])
    assert track.threshold == 0.5
    assert stitched.unreadable == [(5.0, 12.0), (20.0, 25.0)]
    assert stitched.vf == [(8.0, 11.0)]


def test_chunk_result_round_trips_through_arrays():
    original = chunk([1.5], [3], [(0.0, 5.0)])
    again = ChunkResult.from_arrays(original.as_arrays())
    np.testing.assert_array_equal(again.beat_times_s, original.beat_times_s)
    np.testing.assert_array_equal(again.unreadable_s, original.unreadable_s)
    np.testing.assert_array_equal(again.in_af, original.in_af)
    assert again.fs == 360.0


def test_a_chunk_stored_before_the_af_rule_loads_without_af():
    arrays = chunk([1.5, 2.5], [0, 1]).as_arrays()
    del arrays["in_af"]
    np.testing.assert_array_equal(ChunkResult.from_arrays(arrays).in_af, [False, False])
    del arrays["vf_s"]
    assert ChunkResult.from_arrays(arrays).vf_s.shape == (0, 2)
    del arrays["hidden_s"]
    assert ChunkResult.from_arrays(arrays).hidden_s.shape == (0, 2)


def test_stitch_carries_the_af_mask():
    track = stitch([chunk([1.0, 2.0], [0, 0]), chunk([3.0, 4.0], [0, 0])], threshold=0.5).track
    np.testing.assert_array_equal(track.in_af, [False, True, False, True])


def test_model_lead_prefers_mlii_then_lead_ii_by_name():
    assert model_lead(["V1", "MLII"]) == 1
    assert model_lead(["II", "ML II"]) == 1  # MLII before lead II
    assert model_lead(["I", "II", "III"]) == 1
    assert model_lead(["Lead I", "lead ii"]) == 1
    assert model_lead(["ECG I", "ECG-II"]) == 1
    assert model_lead(["I", "III", "aVF"]) == 0  # none: the first lead
    assert model_lead([]) == 0
    assert lead_order(["V5", "MLII", "V2"], 3) == [1, 0, 2]  # MIT-BIH 114's order


def test_the_beat_models_read_mlii_wherever_it_is(mitdb):
    rec = wfdb.rdrecord(str(mitdb / "119"), sampto=60 * 360)
    samples = np.ascontiguousarray(rec.p_signal.T, dtype=np.float32)  # MLII, V1
    span = plan_chunks(60.0, chunk_s=1800.0, margin_s=0.0)[0]
    models = load_default_models()
    units = ("mV", "mV")
    recorded = analyse_span(ECGSignal(samples, 360.0, ("MLII", "V1"), units), span, models)
    swapped = analyse_span(
        ECGSignal(samples[::-1].copy(), 360.0, ("V1", "MLII"), units), span, models
    )
    assert (recorded.classes == AAMI_CLASSES.index("V")).sum() > 10  # bigeminy
    np.testing.assert_allclose(swapped.beat_times_s, recorded.beat_times_s)
    np.testing.assert_array_equal(swapped.classes, recorded.classes)
    np.testing.assert_allclose(swapped.confidence, recorded.confidence, rtol=1e-5)
    np.testing.assert_allclose(swapped.scores, recorded.scores, rtol=1e-5)


def analyse_minutes(mitdb, record: str, minutes: float) -> ChunkResult:
    rec = wfdb.rdrecord(str(mitdb / record), sampto=int(minutes * 60 * 360))
    samples = np.ascontiguousarray(rec.p_signal.T, dtype=np.float32)
    signal = ECGSignal(samples, 360.0, tuple(rec.sig_name), tuple(rec.units))
    span = plan_chunks(minutes * 60, chunk_s=1800.0, margin_s=0.0)[0]
    return analyse_span(signal, span, load_default_models())


def test_atrial_fibrillation_is_reported_and_its_beats_are_not_called_s(mitdb):
    result = analyse_minutes(mitdb, "203", 3)  # DS1: atrial fibrillation and flutter throughout
    assert result.in_af.mean() > 0.9
    assert not (result.classes[result.in_af] == AAMI_CLASSES.index("S")).any()
    stitched = stitch([result], threshold=1.0)
    assert "af" in [e.type for e in find_events(stitched.track, stitched.unreadable)]


def test_sinus_rhythm_with_pvcs_is_not_af(mitdb):
    result = analyse_minutes(mitdb, "119", 3)  # DS1: sinus rhythm, ventricular bigeminy
    assert not result.in_af.any()


def test_normal_beats_are_not_called_fusion_where_the_two_leads_disagree(mitdb):
    # DS1 record 220: the detector's best lead changes from beat to beat; cut on its fiducial,
    # nearly half of these normal beats were called F (refine_on_lead, docs/models.md).
    result = analyse_minutes(mitdb, "220", 5)
    called = np.bincount(result.classes, minlength=len(AAMI_CLASSES))
    assert called[AAMI_CLASSES.index("N")] > 340
    assert called[AAMI_CLASSES.index("F")] < 5


def test_ventricular_flutter_is_reported_as_such_not_as_noise(mitdb):
    rec = wfdb.rdrecord(str(mitdb / "207"), sampfrom=1500 * 360, sampto=1680 * 360)
    samples = np.ascontiguousarray(rec.p_signal.T, dtype=np.float32)  # DS1: flutter 1541-1639 s
    signal = ECGSignal(samples, 360.0, tuple(rec.sig_name), tuple(rec.units))
    span = plan_chunks(180.0, chunk_s=1800.0, margin_s=0.0)[0]
    result = analyse_span(signal, span, load_default_models())
    flutter = float(np.sum(np.diff(result.vf_s, axis=1)))
    assert flutter > 40.0
    for start, stop in result.unreadable_s:  # no unreadable signal inside the flutter
        assert not np.any((result.vf_s[:, 0] < stop) & (result.vf_s[:, 1] > start))
    stitched = stitch([result], threshold=1.0)
    events = find_events(stitched.track, stitched.unreadable, stitched.vf)
    [vf] = [e for e in events if e.type == "vf"]
    assert vf.severity == MAJOR  # one episode, within the reference's 41-139 s of this slice
    assert 41.0 <= vf.start_s < vf.end_s <= 145.0 and vf.end_s - vf.start_s > 60.0


def test_ventricular_tachycardia_in_a_noisy_window_is_a_run_not_noise(mitdb):
    # DS1 record 203: a VT of 7 beats at 181 bpm at 1605.6-1607.5 s, in a 5-s window the noise
    # index calls unreadable (its wide complexes leave no quiet baseline between them).
    rec = wfdb.rdrecord(str(mitdb / "203"), sampfrom=1590 * 360, sampto=1620 * 360)
    samples = np.ascontiguousarray(rec.p_signal.T, dtype=np.float32)
    signal = ECGSignal(samples, 360.0, tuple(rec.sig_name), tuple(rec.units))
    result = analyse_span(signal, plan_chunks(30.0, 1800.0, 0.0)[0], load_default_models())
    stitched = stitch([result], threshold=1.0)
    runs = [e for e in find_events(stitched.track, stitched.unreadable) if e.type == "v_run"]
    assert any(15.0 <= e.start_s <= 17.0 and e.severity == MAJOR for e in runs), runs
