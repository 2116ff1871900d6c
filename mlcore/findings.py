"""Clinical findings from the beat track: the events a cardiologist looks for on a Holter.

Input is one recording's beat track (R-peak times, AAMI class, anomaly score per beat) and its
unreadable spans; output is a list of ``Finding``s and summary figures. Plain rules, stated here:

* isolated PVC / PAC: a single V / S beat between beats of other classes (not part of a pattern below);
  minor, or moderate when V (S) beats are more than ``PVC_BURDEN_PCT`` (``PAC_BURDEN_PCT``) percent
  of the recording's beats (outside ventricular flutter/fibrillation);
* couplet: exactly two consecutive V (or S) beats; run: three or more (ventricular run / SVT run).
  A run is tachycardia (VT, SVT; a ventricular one major) only faster than ``TACHY_BPM``; a slower
  one is an idioventricular rhythm or an atrial run, and one step less severe;
* bigeminy / trigeminy: at least ``PATTERN_CYCLES`` single V beats, each 2 (3) beats after the last;
* atrial fibrillation (suspected): beats judged atrial fibrillation (irregular R-R intervals and
  no repeating P wave, ``mlcore.rhythm``) for at least ``AF_MIN_S`` seconds of readable signal;
* pause: an R-R interval of at least ``PAUSE_S`` seconds within readable signal (both beats, and
  no unreadable span in between: a beat lost in noise is not a pause);
* bradycardia / tachycardia: the heart rate over ``RATE_BEATS`` beats (``rolling_heart_rate``) below
  ``BRADY_BPM`` / above ``TACHY_BPM`` for at least ``EPISODE_S`` seconds, outside atrial
  fibrillation (whose event gives its own rates): the event spans the beats of those windows, from
  the first to the last interval itself beyond the limit, and its mean rate over that span must
  be beyond the limit too;
* anomaly: consecutive readable beats not called V or S (those have the findings above) whose
  autoencoder score is above the model's threshold (gaps of at most ``ANOMALY_GAP_BEATS`` beats
  are bridged), at least ``ANOMALY_MIN_BEATS`` beats;
* ventricular flutter/fibrillation (possible): the spans ``mlcore.ventricular`` finds, pieces less
  than ``VF_GAP_S`` apart taken as one episode; the beats found inside are not used for the rules
  above, since there are no real beats to find there;
* unreadable: the signal-quality spans marked unreadable; beats inside them are not used for the
  rhythm rules above.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from mlcore.hrv import RATE_BEATS, heart_rate_summary, rolling_rate
from mlcore.rhythm import AF_MIN_S
from mlcore.segment import AAMI_CLASSES
from mlcore.spans import Spans, in_spans, merge_spans, overlap_s, runs, subtract_spans

MINOR, MODERATE, MAJOR = 1, 2, 3
PAUSE_S = 2.0
MAJOR_PAUSE_S = 3.0
BRADY_BPM = 50.0
MAJOR_BRADY_BPM = 40.0
TACHY_BPM = 100.0
MAJOR_TACHY_BPM = 150.0
EPISODE_S = 10.0
PATTERN_CYCLES = 3
ANOMALY_GAP_BEATS = 2
ANOMALY_MIN_BEATS = 3
# Pieces of one flutter episode: the detector misses its less regular stretches.
VF_GAP_S = 30.0
# A PVC burden above this share of beats is "frequent" / high burden, associated with PVC-induced
# cardiomyopathy: each isolated PVC of such a recording is moderate, not minor.
PVC_BURDEN_PCT = 10.0
# S beats above the same share are far beyond "frequent" PACs (about 30 an hour, under 1 % of
# beats, already raise the risk of atrial fibrillation), and so many that the classifier's false S
# calls (about 4 in 10 on MIT-BIH DS2, docs/models.md) cannot make the burden on their own.
PAC_BURDEN_PCT = 10.0
# An analysis goes to the review queue with any major finding, or this many moderate ones.
REVIEW_MODERATE_COUNT = 5

EVENT_TYPES = {
    "pvc": "Isolated PVC",
    "pac": "Isolated PAC",
    "v_couplet": "Ventricular couplet",
    "s_couplet": "Supraventricular couplet",
    "v_run": "Ventricular run",
    "s_run": "Supraventricular run",
    "bigeminy": "Ventricular bigeminy",
    "trigeminy": "Ventricular trigeminy",
    "af": "Atrial fibrillation (suspected)",
    "vf": "Ventricular flutter/fibrillation (possible)",
    "pause": "Pause",
    "bradycardia": "Bradycardia",
    "tachycardia": "Tachycardia",
    "anomaly": "Anomalous beats",
    "unreadable": "Unreadable signal",
}
# Possibly life-threatening if real: such analyses are marked urgent and their review cases come
# before every other case.
URGENT_TYPES = ("vf",)
# Which finding a reader should see first among those of the same severity: the life-threatening
# rhythms, then sustained rhythms and pauses, then patterns, then single beats; the anomaly score,
# which does not say what it saw, and unreadable signal, which is about the recording, come last.
CLINICAL_ORDER = (
    "vf",
    "v_run",
    "af",
    "pause",
    "s_run",
    "bradycardia",
    "tachycardia",
    "bigeminy",
    "trigeminy",
    "v_couplet",
    "s_couplet",
    "pvc",
    "pac",
    "anomaly",
    "unreadable",
)


@dataclass(frozen=True)
class BeatTrack:
    """One recording's beats, in time order."""

    times_s: np.ndarray  # float64 (n,), R-peak time in seconds from the recording start
    classes: np.ndarray  # int64 (n,), index into AAMI_CLASSES
    scores: np.ndarray  # float32 (n,), autoencoder anomaly score
    threshold: float  # scores above it are anomalous
    in_af: np.ndarray | None = None  # bool (n,), beat judged atrial fibrillation (mlcore.rhythm)

    def __len__(self) -> int:
        return int(self.times_s.size)


@dataclass(frozen=True)
class Finding:
    type: str  # a key of EVENT_TYPES
    start_s: float
    end_s: float
    severity: int  # MINOR, MODERATE or MAJOR
    score: float  # type-specific strength: beats in a run, pause length, bpm, anomaly score, ...
    beats: int
    lead: str = ""  # "" when the finding uses all leads
    description: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def find_events(
    track: BeatTrack, unreadable: Spans, vf: Spans = (), hidden: Spans = ()
) -> list[Finding]:
    """Every finding of the recording, sorted by start time; ``vf``: spans of possible ventricular
    flutter/fibrillation; ``hidden``: the unreadable gaps between beats that may hide beats
    (``mlcore.quality.hidden_beat_gaps``), described as such."""
    episodes = vf_episodes(vf)
    beats = ~in_spans(track.times_s, episodes)
    readable = ~in_spans(track.times_s, unreadable) & beats
    events = [
        *vf_events(episodes),
        *ectopy_events(track, readable, beats),
        *af_events(track, readable),
        *pause_events(track, readable, unreadable),
        *rate_events(track, readable),
        *anomaly_events(track, readable),
        *(
            Finding("unreadable", s, e, MINOR, e - s, 0, description=unreadable_text(s, e, hidden))
            for s, e in subtract_spans(unreadable, episodes)
        ),
    ]
    return sorted(events, key=lambda f: (f.start_s, f.type))


def vf_episodes(vf: Spans) -> list[tuple[float, float]]:
    """The sorted ``vf`` spans, pieces less than VF_GAP_S apart joined into one episode."""
    return merge_spans(vf, gap=VF_GAP_S)


def unreadable_text(start: float, end: float, hidden: Spans) -> str:
    """ "12 s of noise", or for a span that is mostly a gap which may hide beats, what it is."""
    covered = overlap_s(
        np.array([[start, end]]), np.asarray(hidden, dtype=np.float64).reshape(-1, 2)
    )
    if covered >= 0.5 * (end - start):
        return f"{end - start:.1f} s between beats with QRS-like activity: beats may be hidden"
    return f"{end - start:.0f} s of noise"


def vf_events(episodes: Spans) -> list[Finding]:
    return [
        Finding(
            "vf",
            start,
            stop,
            MAJOR,
            round(stop - start, 1),
            0,
            description=f"{stop - start:.0f} s of a fast, regular wave without distinct beats",
        )
        for start, stop in episodes
    ]


def ectopy_events(track: BeatTrack, readable: np.ndarray, beats: np.ndarray) -> list[Finding]:
    """``beats``: the beats counted for the burden (those outside ventricular flutter/fibrillation,
    as in the summary's ``beats_by_class``)."""
    events: list[Finding] = []
    t = track.times_s
    for cls, single, couplet, run, burden_limit in (
        ("V", "pvc", "v_couplet", "v_run", PVC_BURDEN_PCT),
        ("S", "pac", "s_couplet", "s_run", PAC_BURDEN_PCT),
    ):
        of_class = track.classes == AAMI_CLASSES.index(cls)
        burden = 100.0 * (of_class & beats).sum() / max(int(beats.sum()), 1)
        single_severity, single_text = MINOR, ""
        if burden > burden_limit:
            single_severity = MODERATE
            single_text = f"{cls} beats are {burden:.1f} % of beats (over {burden_limit:.0f} %)"
        ectopic = of_class & readable
        spans = runs(ectopic)
        singles = [start for start, stop in spans if stop - start == 1]
        in_pattern: set[int] = set()
        if cls == "V":
            for kind, gap in (("bigeminy", 2), ("trigeminy", 3)):
                for first, last, count in patterns(singles, gap):
                    in_pattern.update(range(first, last + 1, gap))
                    events.append(
                        Finding(
                            kind,
                            t[first],
                            t[last],
                            MODERATE,
                            count,
                            last - first + 1,
                            description=f"{count} cycles",
                        )
                    )
        for start, stop in spans:
            n = stop - start
            if n == 1 and start in in_pattern:
                continue
            if n < 3:
                kind, severity, description = (
                    (single, single_severity, single_text) if n == 1 else (couplet, MODERATE, "")
                )
            else:
                kind, (severity, description) = run, describe_run(cls, n, t[stop - 1] - t[start])
            events.append(
                Finding(kind, t[start], t[stop - 1], severity, float(n), n, description=description)
            )
    return events


def describe_run(cls: str, beats: int, duration_s: float) -> tuple[int, str]:
    """Severity and description of a run of ``beats`` V or S beats: tachycardia only if it is
    faster than TACHY_BPM (the clinical definition of VT and SVT)."""
    rate = 60.0 * (beats - 1) / duration_s if duration_s > 0 else 0.0
    text = f"{beats} beats at {rate:.0f} bpm"
    fast = MAJOR if cls == "V" else MODERATE
    if rate > TACHY_BPM:
        return fast, text
    slow = "an idioventricular rhythm" if cls == "V" else "an atrial run"
    return fast - 1, f"{text}: slower than {TACHY_BPM:.0f} bpm, {slow} rather than tachycardia"


def patterns(singles: list[int], gap: int) -> list[tuple[int, int, int]]:
    """Stretches of single ectopic beats each exactly ``gap`` beats after the previous one."""
    found = []
    i = 0
    while i < len(singles):
        j = i
        while j + 1 < len(singles) and singles[j + 1] - singles[j] == gap:
            j += 1
        if j - i + 1 >= PATTERN_CYCLES:
            found.append((singles[i], singles[j], j - i + 1))
        i = j + 1
    return found


def af_events(track: BeatTrack, readable: np.ndarray) -> list[Finding]:
    if track.in_af is None:
        return []
    t = track.times_s
    events = []
    for start, stop in runs(track.in_af & readable):
        begin, end = t[start], t[stop - 1]
        if end - begin < AF_MIN_S:
            continue
        rate = 60.0 * (stop - start - 1) / (end - begin)
        rolling = rolling_heart_rate(t[start:stop])
        window = stop - start - rolling.size  # RATE_BEATS, or all intervals if fewer
        events.append(
            Finding(
                "af",
                begin,
                end,
                MAJOR,
                round(end - begin, 1),
                stop - start,
                description=f"irregular rhythm for {end - begin:.0f} s, mean {rate:.0f} bpm "
                f"(highest {rolling.max():.0f} bpm over {window} beats)",
            )
        )
    return events


def pause_events(track: BeatTrack, readable: np.ndarray, unreadable: Spans) -> list[Finding]:
    t = track.times_s
    rr = np.diff(t)
    both_readable = readable[:-1] & readable[1:]
    events = []
    for i in np.flatnonzero((rr >= PAUSE_S) & both_readable):
        if any(s < t[i + 1] and e > t[i] for s, e in unreadable):
            continue
        severity = MAJOR if rr[i] >= MAJOR_PAUSE_S else MODERATE
        events.append(
            Finding(
                "pause", t[i], t[i + 1], severity, float(rr[i]), 2, description=f"{rr[i]:.1f} s"
            )
        )
    return events


def rolling_heart_rate(times_s: np.ndarray) -> np.ndarray:
    """Heart rate (bpm) over each ``RATE_BEATS`` successive R-R intervals
    (``mlcore.hrv.rolling_rate``): rate j is over intervals j to j + RATE_BEATS - 1, from beat j
    to beat j + RATE_BEATS. Real windows only, nothing filled in before the first; with fewer
    intervals than RATE_BEATS, one rate over all of them. The window length is
    ``times_s.size - result.size``."""
    rr = np.diff(times_s)
    if rr.size == 0:
        return rr
    return rolling_rate(rr, min(RATE_BEATS, rr.size))


def rate_events(track: BeatTrack, readable: np.ndarray) -> list[Finding]:
    """Bradycardia and tachycardia: the beats of the windows whose rate is beyond the limit
    (overlapping windows joined), less the intervals at either end that are not beyond it
    themselves (a slow window can start with beats at a normal rate). That span is an episode if
    it holds a whole window, lasts EPISODE_S and its mean rate is beyond the limit too, so the
    stated mean agrees with the rule (slow windows made by one long interval are a pause, which
    has its own finding); its lowest (highest) rate is over the windows within it."""
    t = track.times_s
    hr = rolling_heart_rate(t)
    if hr.size == 0:
        return []
    k = t.size - hr.size  # intervals per window: window j is beats j to j + k
    rate = 60.0 / np.diff(t)  # of each interval
    usable = readable if track.in_af is None else readable & ~track.in_af
    ok = np.lib.stride_tricks.sliding_window_view(usable, k + 1).all(axis=1)  # all beats usable
    events = []
    for kind, beyond, major in (
        ("bradycardia", lambda bpm: bpm < BRADY_BPM, lambda v: v < MAJOR_BRADY_BPM),
        ("tachycardia", lambda bpm: bpm > TACHY_BPM, lambda v: v > MAJOR_TACHY_BPM),
    ):
        windows = beyond(hr) & ok
        in_window = np.convolve(windows, np.ones(k, int))[: rate.size] > 0
        for start, stop in runs(in_window):  # intervals start to stop - 1
            own = beyond(rate[start:stop])
            first, last = start + int(own.argmax()), stop - int(own[::-1].argmax())  # beats
            begin, end = t[first], t[last]
            mean = 60.0 * (last - first) / (end - begin)
            if last - first < k or end - begin < EPISODE_S or not beyond(mean):
                continue
            inside = hr[first : last - k + 1]  # the windows within the span
            extreme = float(inside.min() if kind == "bradycardia" else inside.max())
            lowest = "lowest" if kind == "bradycardia" else "highest"
            events.append(
                Finding(
                    kind,
                    begin,
                    end,
                    MAJOR if major(extreme) else MODERATE,
                    round(extreme, 1),
                    last - first + 1,
                    description=f"mean {mean:.0f} bpm for {end - begin:.0f} s ({lowest} "
                    f"{extreme:.0f} bpm over {k} beats)",
                )
            )
    return events


def anomaly_events(track: BeatTrack, readable: np.ndarray) -> list[Finding]:
    # Beats called V or S have their own findings; an unusual shape among the others is what the
    # score adds (a PVC's shape is unusual too, and would only be reported twice).
    ectopic = np.isin(track.classes, [AAMI_CLASSES.index("V"), AAMI_CLASSES.index("S")])
    anomalous = (track.scores > track.threshold) & readable & ~ectopic
    events = []
    for start, stop in bridged_runs(anomalous, ANOMALY_GAP_BEATS):
        n = int(anomalous[start:stop].sum())
        if n < ANOMALY_MIN_BEATS:
            continue
        peak = float(track.scores[start:stop].max())
        events.append(
            Finding(
                "anomaly",
                track.times_s[start],
                track.times_s[stop - 1],
                MODERATE,
                round(peak, 4),
                n,
                description=f"{n} beats above the anomaly threshold",
            )
        )
    return events


def bridged_runs(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs of True, merging runs separated by at most ``gap`` False values."""
    merged: list[tuple[int, int]] = []
    for start, stop in runs(mask):
        if merged and start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def needs_review(events: list[Finding]) -> bool:
    """The severity rule that sends an analysis to the reviewers' queue."""
    severities = [e.severity for e in events]
    return MAJOR in severities or severities.count(MODERATE) >= REVIEW_MODERATE_COUNT


def summarise(track: BeatTrack, unreadable: Spans, duration_s: float, vf: Spans = ()) -> dict:
    """Summary figures: beats per AAMI class (outside ``vf``), heart rate and HRV
    (``heart_rate_summary``: readable signal outside ``vf`` only, HRV over beats called N outside
    atrial fibrillation), abnormal share, readable share, and the AF burden (share of the
    recording in suspected atrial fibrillation events)."""
    # What the detector finds inside ventricular flutter/fibrillation are waves, not beats.
    beats = ~in_spans(track.times_s, vf_episodes(vf))
    counts = np.bincount(track.classes[beats], minlength=len(AAMI_CLASSES))
    readable = ~in_spans(track.times_s, unreadable) & beats
    in_af = track.in_af if track.in_af is not None else np.zeros(len(track), bool)
    hr = heart_rate_summary(
        np.round(track.times_s * 1000).astype(np.int64),
        1000.0,
        normal=(track.classes == AAMI_CLASSES.index("N")) & ~in_af,
        readable=readable,
    ).as_dict()
    hr["beats"] = int(beats.sum())
    abnormal = int(counts[1:].sum())
    unreadable_s = sum(e - s for s, e in unreadable)
    af_s = sum(e.end_s - e.start_s for e in af_events(track, readable))
    return {
        **hr,
        "beats_by_class": dict(zip(AAMI_CLASSES, counts.tolist(), strict=True)),
        "abnormal_beats_pct": round(100.0 * abnormal / max(hr["beats"], 1), 2),
        "anomalous_beats_pct": round(
            100.0 * float((track.scores[beats] > track.threshold).mean()) if beats.any() else 0.0,
            2,
        ),
        "readable_pct": round(100.0 * (1.0 - unreadable_s / duration_s), 2)
        if duration_s > 0
        else 0.0,
        "af_burden_pct": round(100.0 * af_s / duration_s, 2) if duration_s > 0 else 0.0,
        "duration_s": round(duration_s, 3),
    }


WINDOW_S = 10.0
WINDOW_STEP_S = 5.0


def window_table(
    track: BeatTrack, duration_s: float, window_s: float = WINDOW_S, step_s: float = WINDOW_STEP_S
) -> dict[str, np.ndarray]:
    """Sliding-window figures for the timeline: beats, heart rate, abnormal share, peak anomaly score."""
    starts = np.arange(0.0, max(duration_s - window_s, 0.0) + 1e-9, step_s)
    t = track.times_s
    lo = np.searchsorted(t, starts)
    hi = np.searchsorted(t, starts + window_s)
    beats = hi - lo
    abnormal = np.concatenate([[0], np.cumsum(track.classes != 0)])
    hr = np.full(starts.size, np.nan, np.float32)
    peak = np.zeros(starts.size, np.float32)
    for i in np.flatnonzero(beats >= 2):
        span = t[hi[i] - 1] - t[lo[i]]
        hr[i] = 60.0 * (beats[i] - 1) / span if span > 0 else np.nan
        peak[i] = track.scores[lo[i] : hi[i]].max()
    return {
        "start_s": starts.astype(np.float32),
        "beats": beats.astype(np.int32),
        "hr_bpm": hr,
        "abnormal_frac": np.where(
            beats > 0, (abnormal[hi] - abnormal[lo]) / np.maximum(beats, 1), 0
        ).astype(np.float32),
        "max_score": peak,
    }
