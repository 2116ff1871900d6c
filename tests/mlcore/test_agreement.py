"""Beats found against reference annotations, matched as AAMI EC57 does."""

from __future__ import annotations

import numpy as np

from mlcore.agreement import agreement_summary, pooled, reference_agreement
from mlcore.segment import AAMI_CLASSES
from mlcore.signal import Annotations

FS = 250.0
N, S, V = (AAMI_CLASSES.index(c) for c in "NSV")


def annotations(*marks: tuple[float, str]) -> Annotations:
    seconds, symbols = zip(*marks, strict=True)
    return Annotations(np.round(np.array(seconds) * FS).astype(np.int64), np.array(symbols))


def test_matched_missed_extra_and_wrong_classes_are_counted():
    ann = annotations((1, "N"), (2, "N"), (3, "V"), (4, "A"), (5, "N"), (5.5, "+"))
    # 1 s: on time; 2 s: 100 ms late (matched); 3 s: a V called N; 4 s: missed; 5 s: 200 ms late
    # (too far: missed, and the beat found is extra); 6 s: nothing annotated.
    found = np.array([1.0, 2.1, 3.0, 5.2, 6.0])
    classes = np.array([N, N, N, N, V])
    r = reference_agreement(found, classes, ann, FS, duration_s=10)
    assert (r["annotated_beats"], r["found_beats"]) == (5, 5)  # "+" is a rhythm mark, not a beat
    assert (r["missed_beats"], r["extra_beats"]) == (2, 2)
    rows = dict(zip(r["labels"], r["confusion"], strict=True))
    assert r["labels"] == ["N", "S", "V", "F", "Q", "none"]
    assert rows["N"] == [2, 0, 0, 0, 0, 1]
    assert rows["V"] == [1, 0, 0, 0, 0, 0]
    assert rows["S"] == [0, 0, 0, 0, 0, 1]
    assert rows["none"] == [1, 0, 1, 0, 0, 0]
    assert r["per_class"]["N"] == {"annotated": 3, "se": round(2 / 3, 4), "ppv": 0.5}
    assert r["per_class"]["V"]["se"] == 0.0 and r["accuracy"] == round(2 / 7, 4)
    # Ratios of nothing are undefined, not zero: no beat called S; no F annotated nor called.
    assert r["per_class"]["S"] == {"annotated": 1, "se": 0.0, "ppv": None}
    assert r["per_class"]["F"] == {"annotated": 0, "se": None, "ppv": None}


def test_flutter_episodes_and_beats_without_a_whole_window_are_left_out():
    ann = annotations((0.1, "N"), (2, "N"), (3, "["), (3.5, "!"), (4, "]"), (6, "N"), (9.8, "N"))
    found = np.array([0.1, 2.0, 3.3, 3.7, 6.0, 9.8])  # waves in the episode, beats at the edges
    r = reference_agreement(found, np.full(6, N), ann, FS, duration_s=10)
    assert (r["annotated_beats"], r["found_beats"], r["extra_beats"]) == (2, 2, 0)
    assert r["accuracy"] == 1.0


def test_annotations_without_beats_score_nothing():
    ann = annotations((1, "+"), (5, "~"))
    assert reference_agreement(np.array([1.0]), np.array([N]), ann, FS, duration_s=10) is None


def test_pooled_ratios_of_nothing_are_none_even_where_stored_as_zero():
    cm = np.zeros((6, 6), dtype=np.int64)
    cm[N, N], cm[V, N] = 9, 1  # a V called N; nothing called V
    stored = agreement_summary(cm)
    for m in stored["per_class"].values():  # as earlier analyses stored it: 0.0 for 0/0
        m["se"], m["ppv"] = m["se"] or 0.0, m["ppv"] or 0.0
    p = pooled([stored, agreement_summary(cm)])
    assert p["per_class"]["V"] == {"annotated": 2, "se": 0.0, "ppv": None}
    assert p["per_class"]["S"] == {"annotated": 0, "se": None, "ppv": None}
    assert p["per_class"]["N"] == {"annotated": 18, "se": 1.0, "ppv": 0.9}
    assert agreement_summary(np.zeros((6, 6)))["accuracy"] is None
