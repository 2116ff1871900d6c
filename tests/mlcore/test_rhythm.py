import numpy as np

from mlcore.datasets import model_input, reference_beats
from mlcore.readers import read_record
from mlcore.rhythm import (
    AF_THRESHOLD,
    HALF_WINDOW,
    P_THRESHOLD,
    PREMATURE,
    SINUS_P_THRESHOLD,
    af_mask,
    apply_af_rule,
    apply_ectopic_p_rule,
    apply_normal_qrs_rule,
    apply_sinus_p_rule,
    classify_with_rhythm,
    p_wave_consistency,
    pre_qrs_segments,
    qrs_segments,
    rr_irregularity,
    sinus_match,
    smooth_over_similar_beats,
)
from mlcore.segment import AAMI_CLASSES, RR_FEATURES, BeatSet, beat_windows

N, S, V = (AAMI_CLASSES.index(c) for c in "NSV")
RNG = np.random.default_rng(0)
P_WAVE = np.exp(-0.5 * ((np.arange(65) - 35) / 6.0) ** 2)


def times(rr_s) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(rr_s)])


def segments(n: int, p_wave: bool) -> np.ndarray:
    """Pre-QRS segments: one repeating P wave plus a little noise, or fibrillatory noise only."""
    noise = RNG.normal(0, 0.1 if p_wave else 1.0, (n, 65))
    return noise + (P_WAVE if p_wave else 0.0)


def with_ectopic_p_waves() -> tuple[np.ndarray, np.ndarray]:
    """100 sinus pre-QRS segments, every tenth (from the sixth) an early ectopic P wave on the T wave."""
    seg = segments(100, p_wave=True)
    ectopic = np.arange(100) % 10 == 5
    seg[ectopic] = np.roll(P_WAVE, 25) - P_WAVE + RNG.normal(0, 0.1, (10, 65))
    return seg, ectopic


def irregular_rr(n: int) -> np.ndarray:
    return RNG.uniform(0.45, 1.1, n)


def test_sinus_rhythm_with_isolated_premature_beats_is_regular():
    rr = np.full(300, 0.8) + RNG.normal(0, 0.01, 300)
    for i in range(20, 300, 15):  # an APC every 15 beats: early, then a compensatory pause
        rr[i], rr[i + 1] = 0.5, 1.1
    t = times(rr)
    assert rr_irregularity(t, np.zeros(len(t), bool)).max() < AF_THRESHOLD
    assert not af_mask(t, np.zeros(len(t), bool), segments(len(t), p_wave=False)).any()


def test_irregular_beats_without_p_waves_are_af_from_the_first_beat_to_the_last():
    t = times(irregular_rr(300))
    assert af_mask(t, np.zeros(len(t), bool), segments(len(t), p_wave=False)).all()


def test_irregular_beats_that_share_a_p_wave_are_not_af():
    t = times(irregular_rr(300))  # e.g. sinus arrhythmia or frequent atrial premature beats
    assert not af_mask(t, np.zeros(len(t), bool), segments(len(t), p_wave=True)).any()


def test_p_wave_consistency_is_measured_only_where_asked_and_without_ventricular_beats():
    seg = segments(100, p_wave=True)
    ventricular = np.arange(100) % 3 != 0  # two PVCs in three beats: no P wave before them
    seg[ventricular] = RNG.normal(0, 1.0, (int(ventricular.sum()), 65))
    which = np.arange(100) >= 50
    consistency = p_wave_consistency(seg, ventricular, which)
    assert (consistency[:50] == 1.0).all()
    assert (consistency[50:] > P_THRESHOLD).all()
    assert (p_wave_consistency(seg, np.zeros(100, bool), which)[50:] < P_THRESHOLD).all()


def test_ventricular_bigeminy_is_not_af_once_its_beats_are_left_out():
    t = times(np.tile([0.5, 1.1], 150))  # N-V pairs: every difference is large
    seg = segments(len(t), p_wave=False)
    ventricular = np.arange(len(t)) % 2 == 1
    assert af_mask(t, np.zeros(len(t), bool), seg).all()
    assert not af_mask(t, ventricular, seg).any()


def test_af_is_judged_locally():
    rr = np.concatenate([np.full(200, 0.8), irregular_rr(200), np.full(200, 0.8)])
    flagged = af_mask(times(rr), np.zeros(601, bool), segments(601, p_wave=False))
    assert flagged[250:350].all()
    assert not flagged[: 200 - HALF_WINDOW].any() and not flagged[400 + HALF_WINDOW :].any()


def test_too_few_beats_are_never_af():
    assert not af_mask(times([0.5, 1.2, 0.4, 1.0]), np.zeros(5, bool), segments(5, False)).any()
    assert rr_irregularity(np.array([0.0]), np.zeros(1, bool)).tolist() == [0.0]


def test_the_rule_turns_s_into_n_inside_af_only():
    classes = np.array([S, S, V, N, S])
    in_af = np.array([True, False, True, True, True])
    np.testing.assert_array_equal(apply_af_rule(classes, in_af), [N, S, V, N, N])
    np.testing.assert_array_equal(classes, [S, S, V, N, S])  # input untouched


def test_beats_called_s_with_the_sinus_p_wave_become_n_and_ectopic_ones_stay_s():
    seg, ectopic = with_ectopic_p_waves()
    sham = np.arange(100) % 10 == 7  # a sinus beat the classifier called S
    classes = np.where(ectopic | sham, S, N)
    np.testing.assert_array_equal(apply_sinus_p_rule(classes, seg), np.where(ectopic, S, N))
    match = sinus_match(seg, classes == N, ectopic | sham)
    assert (match[sham] > SINUS_P_THRESHOLD).all() and (match[ectopic] < 0).all()


def test_without_enough_sinus_beats_nearby_neither_p_wave_rule_applies():
    seg = segments(20, p_wave=True)
    classes = np.full(20, S)
    classes[:5] = N  # five beats called N: too few for a sinus P wave
    np.testing.assert_array_equal(apply_sinus_p_rule(classes, seg), classes)
    early = np.full(20, 0.5)
    no_af = np.zeros(20, bool)
    np.testing.assert_array_equal(apply_ectopic_p_rule(classes, seg, early, no_af), classes)
    assert np.isnan(sinus_match(seg, classes == N, np.ones(20, bool))).all()


def test_early_beats_called_n_without_the_sinus_p_wave_become_s():
    seg, ectopic = with_ectopic_p_waves()
    prematurity = np.ones(100)
    prematurity[ectopic] = PREMATURE - 0.15  # early
    prematurity[np.arange(100) % 10 == 6] = PREMATURE - 0.15  # early too, but with the sinus P wave
    classes = np.full(100, N)
    np.testing.assert_array_equal(
        apply_ectopic_p_rule(classes, seg, prematurity, np.zeros(100, bool)),
        np.where(ectopic, S, N),
    )
    on_time = np.ones(100)  # the same P waves on time: left alone
    np.testing.assert_array_equal(
        apply_ectopic_p_rule(classes, seg, on_time, np.zeros(100, bool)), classes
    )
    in_af = np.ones(100, bool)  # inside atrial fibrillation nothing becomes S
    np.testing.assert_array_equal(apply_ectopic_p_rule(classes, seg, prematurity, in_af), classes)


def test_classify_with_rhythm_keeps_pvcs_and_drops_s_in_af():
    fs, n = 360.0, 200
    samples = np.round(times(irregular_rr(n - 1)) * fs).astype(np.int64)
    windows = RNG.normal(0, 1.0, (n, 1, 252)).astype(np.float32)  # no repeating P wave
    beats = BeatSet(windows, np.zeros((n, 7)), np.arange(n), samples, fs, windows[0])
    assert pre_qrs_segments(beats).shape == (n, 65)
    probs = np.zeros((n, 5), np.float32)
    probs[:, S] = 1.0
    probs[::10, S], probs[::10, V] = 0.0, 1.0
    classes, in_af = classify_with_rhythm(probs, beats)
    assert in_af.all()
    assert set(classes[::10]) == {V} and not (classes == S).any()


def two_shapes(n: int) -> BeatSet:
    """Beats on time, the first half with one QRS shape, the second half with another."""
    windows = RNG.normal(0, 0.02, (n, 1, 252)).astype(np.float32)
    windows[: n // 2, 0, 85:95] += 1.0  # narrow QRS
    windows[n // 2 :, 0, 70:110] -= 1.0  # wide, inverted QRS
    rr = np.ones((n, len(RR_FEATURES)), np.float32)
    samples = np.arange(n) * 300 + 100
    return BeatSet(windows, rr, np.arange(n), samples, 360.0, windows[0])


def test_an_unsure_beat_follows_its_confident_look_alikes():
    beats = two_shapes(40)
    probs = np.zeros((40, 5))
    probs[:20, N], probs[20:, V] = 1.0, 0.9
    probs[20:, N] = 0.1
    probs[25, N], probs[25, V] = 0.55, 0.45  # a wide beat the classifier is unsure of
    probs[5, N], probs[5, V] = 0.0, 1.0  # a narrow beat confidently called V
    smoothed = smooth_over_similar_beats(probs, beats)
    np.testing.assert_allclose(smoothed.sum(axis=1), 1.0)
    classes = smoothed.argmax(axis=1)
    assert classes[25] == V  # its nine look-alikes are called V
    assert classes[5] == V  # a confident call outweighs its neighbours
    assert (classes[:5] == N).all() and (classes[30:] == V).all()


def test_smoothing_leaves_a_lone_beat_alone():
    beats = two_shapes(1)
    probs = np.array([[0.2, 0.3, 0.5, 0.0, 0.0]])
    np.testing.assert_array_equal(smooth_over_similar_beats(probs, beats), probs)


def first_minutes(mitdb, record: str, minutes: float) -> tuple[BeatSet, np.ndarray]:
    """Reference beats of a record's first minutes (first lead) and their AAMI class indices."""
    signal = read_record(mitdb / f"{record}.hea")
    x, fs = model_input(signal)
    x = x[:1, : int(minutes * 60 * fs)]
    pos, labels = reference_beats(signal, fs, x.shape[1])
    beats = beat_windows(x, pos[pos < x.shape[1]], fs)
    return beats, labels[: len(beats.kept)][beats.kept - beats.kept[0]]


def reference(mitdb, record: str, minutes: float):
    """Times, ventricular flags and pre-QRS segments of a record's first minutes."""
    beats, labels = first_minutes(mitdb, record, minutes)
    return beats.samples / beats.fs, labels == V, pre_qrs_segments(beats)


def test_real_af_is_found_and_real_ectopy_is_not(mitdb):
    assert af_mask(*reference(mitdb, "203", 5)).mean() > 0.9  # DS1: AF and flutter, many PVCs
    assert not af_mask(*reference(mitdb, "119", 5)).any()  # DS1: sinus rhythm, bigeminy


def with_sham_calls(labels: np.ndarray, called_as: int) -> tuple[np.ndarray, np.ndarray]:
    """The labels with every fourth N beat called ``called_as``, as a classifier might; and those
    beats."""
    called = np.flatnonzero(labels == N)[::4]
    sham = labels.copy()
    sham[called] = called_as
    return sham, called


def test_real_atrial_premature_beats_keep_s_and_sham_ones_lose_it(mitdb):
    beats, labels = first_minutes(mitdb, "209", 10)  # DS1: sinus rhythm, many APCs
    assert (labels == S).sum() > 100
    sham, called = with_sham_calls(labels, S)
    out = apply_sinus_p_rule(sham, pre_qrs_segments(beats))
    assert (out[labels == S] == S).mean() > 0.95
    assert (out[called] == N).mean() > 0.4


def test_real_atrial_premature_beats_called_n_are_partly_found_again(mitdb):
    beats, labels = first_minutes(mitdb, "209", 10)  # runs of APCs: only some look early
    missed = np.where(labels == S, N, labels)  # a classifier that called every APC N
    prematurity = beats.rr[:, RR_FEATURES.index("pre_over_local")]
    out = apply_ectopic_p_rule(
        missed, pre_qrs_segments(beats), prematurity, np.zeros(len(labels), bool)
    )
    assert (out[labels == S] == S).mean() > 0.2
    assert (out[labels == N] == S).mean() < 0.01


def test_beats_called_v_or_f_with_the_sinus_qrs_become_n_and_real_ones_stay():
    t = np.arange(58)
    narrow = np.exp(-0.5 * ((t - 22) / 3.0) ** 2)  # the sinus QRS
    wide = -np.exp(-0.5 * ((t - 30) / 10.0) ** 2)  # a ventricular one: wide, other polarity
    qrs = np.tile(narrow, (100, 1)) + RNG.normal(0, 0.02, (100, 58))
    pvc, fusion = np.arange(100) % 10 == 4, np.arange(100) % 20 == 6
    sham_v, sham_f = np.arange(100) % 10 == 8, np.arange(100) % 20 == 16  # normal beats called V, F
    qrs[pvc] = wide + RNG.normal(0, 0.02, (pvc.sum(), 58))
    qrs[fusion] = (narrow + wide) / 2 + RNG.normal(0, 0.02, (fusion.sum(), 58))
    qrs -= qrs.mean(axis=1, keepdims=True)
    F = AAMI_CLASSES.index("F")
    classes = np.select([pvc | sham_v, fusion | sham_f], [V, F], N)
    out = apply_normal_qrs_rule(classes, qrs)
    np.testing.assert_array_equal(out, np.select([pvc, fusion], [V, F], N))


def test_real_pvcs_keep_v_and_sham_ones_lose_it(mitdb):
    beats, labels = first_minutes(mitdb, "119", 10)  # DS1: ventricular bigeminy
    assert (labels == V).sum() > 100
    sham, called = with_sham_calls(labels, V)
    out = apply_normal_qrs_rule(sham, qrs_segments(beats))
    assert (out[labels == V] == V).mean() > 0.99
    assert (out[called] == N).mean() > 0.9
