"""Isolated PVCs and PACs are moderate, not minor, in a recording where they are frequent."""

import numpy as np

from mlcore.findings import (
    MINOR,
    MODERATE,
    PAC_BURDEN_PCT,
    PVC_BURDEN_PCT,
    BeatTrack,
    find_events,
)
from mlcore.segment import AAMI_CLASSES


def track(labels: str, rr_s: float = 0.8) -> BeatTrack:
    n = len(labels)
    times = 1.0 + rr_s * np.arange(n)
    classes = np.array([AAMI_CLASSES.index(c) for c in labels], np.int64)
    return BeatTrack(times, classes, np.zeros(n, np.float32), 1.0)


def singles(events, kind: str) -> list:
    return [e for e in events if e.type == kind]


def test_a_high_pvc_burden_makes_isolated_pvcs_moderate():
    assert PVC_BURDEN_PCT == 10.0
    frequent = find_events(track("NNNNNNV" * 20), [])  # 14.3 % of beats
    pvcs = singles(frequent, "pvc")
    assert len(pvcs) == 20 and {e.severity for e in pvcs} == {MODERATE}
    assert pvcs[0].description == "V beats are 14.3 % of beats (over 10 %)"
    few = find_events(track("NNNNNNNNNNNNNV" * 10), [])  # 7.1 %
    assert {e.severity for e in singles(few, "pvc")} == {MINOR}


def test_a_high_pac_burden_makes_isolated_pacs_moderate():
    assert PAC_BURDEN_PCT == 10.0
    frequent = find_events(track("NNNNNS" * 20), [])  # 16.7 %
    assert {e.severity for e in singles(frequent, "pac")} == {MODERATE}
    few = find_events(track("NNNNNNNNNNNNNNNNNNNS" * 10), [])  # 5 %
    assert {e.severity for e in singles(few, "pac")} == {MINOR}


def test_the_burden_leaves_out_waves_found_in_ventricular_flutter():
    # 12 PVCs in 120 beats (10 %, not over), plus 30 "V" waves inside a flutter episode.
    labels = "NNNNNNNNNV" * 6 + "V" * 30 + "NNNNNNNNNV" * 6
    t = track(labels)
    vf = [(t.times_s[60] - 0.1, t.times_s[89] + 0.1)]
    events = find_events(t, [], vf)
    assert {e.severity for e in singles(events, "pvc")} == {MINOR}
