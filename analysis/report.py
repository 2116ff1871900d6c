"""The diagnostic report of one analysis: findings ranked, explained, set against the symptoms.

Plain module: ``build_report(analysis)`` returns a ``Report`` that the report page and the PDF both
render. Wording is for the person who wore the recorder; it is decision support, not a diagnosis.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.db.models import Count, F, Max, Sum

from analysis.models import Analysis, Event, ReviewCase
from analysis.review import decision_counts
from mlcore.datasets import is_model_lead, placement_unknown
from mlcore.findings import CLINICAL_ORDER, EVENT_TYPES, MAJOR, MINOR, MODERATE
from mlcore.hrv import RATE_BEATS
from mlcore.paths import DEFAULT_CLASSIFIER, MODELS_DIR
from recordings.models import Questionnaire

DISCLAIMER = (
    "This report is decision support produced by software, not a diagnosis. Only a doctor who "
    "knows you can interpret it; show it to your doctor or cardiologist."
)

# Symptoms count as overlapping a finding this long before or after it (seconds): people note the
# time of a symptom roughly. A symptom is taken to last Symptom.duration_s (a minute), so the
# window is 2 min before to 3 min after its time ("includes/symptom_findings.html" says so).
SYMPTOM_SLACK_S = 120.0

EXPLANATIONS = {
    "pvc": "Single early beats that start in the heart's lower chambers (ventricles). A few are "
    "common in healthy people; many of them, or symptoms with them, are worth mentioning to a doctor.",
    "pac": "Single early beats that start in the heart's upper chambers (atria). They are common "
    "and usually harmless, especially after caffeine, alcohol, stress or poor sleep.",
    "v_couplet": "Two early beats from the lower chambers in a row. More significant than single "
    "early beats; a doctor may want to look at how often they happen.",
    "s_couplet": "Two early beats from the upper chambers in a row. Usually harmless on their own.",
    "v_run": "Three or more beats from the lower chambers in a row. Faster than 100 a minute it is "
    "a short run of ventricular tachycardia, which needs a doctor's review, especially with "
    "dizziness or fainting; slower, an idioventricular rhythm, which is usually less worrying.",
    "s_run": "Three or more early beats from the upper chambers in a row. Faster than 100 a minute "
    "it is a short run of supraventricular tachycardia, often felt as palpitations and worth "
    "discussing with a doctor; slower, an atrial run, usually harmless.",
    "bigeminy": "Every other beat was an early beat from the lower chambers for a while. Often "
    "harmless, but a doctor should know about it if it is frequent.",
    "trigeminy": "Every third beat was an early beat from the lower chambers for a while. Often "
    "harmless, but a doctor should know about it if it is frequent.",
    "af": "For a while the heartbeats came at irregular, unpredictable intervals, the pattern of "
    "atrial fibrillation. It is found from the beat timing and from the small wave before each beat "
    "(the P wave) no longer repeating, so a doctor needs to confirm it on the strip; if confirmed, it "
    "matters for stroke risk and treatment, even without symptoms. Atrial flutter with varying "
    "conduction can look the same and is told apart on the strip.",
    "vf": "For a while the signal was a fast, regular wave with no distinct heartbeats, the pattern "
    "of ventricular flutter or fibrillation, in which the heart pumps little or no blood. If real it "
    "is life-threatening; some kinds of electrode noise can look like it, so a doctor must look at "
    "the strip urgently.",
    "pause": "A gap of two seconds or more between heartbeats. Long pauses can cause dizziness or "
    "fainting and need a doctor's review.",
    "bradycardia": "The heart beat slower than 50 beats a minute for a while. Normal in sleep and in "
    "fit people; a doctor should know if it happened while you felt dizzy or tired.",
    "tachycardia": "The heart beat faster than 100 beats a minute for a while. From the sinus node "
    "it is normal during exercise or stress; a fast rhythm that starts and stops suddenly, at rest "
    "or with symptoms, can be a supraventricular tachycardia, and above 150 a minute a doctor "
    "should look at the strip.",
    "anomaly": "Beats whose shape differs from the rest of this recording more than normal beats "
    "do. This can be a real change or signal noise; it asks for a look at the strip rather than "
    "saying what it is.",
    "unreadable": "Parts of the recording could not be read: too noisy (movement, a loose "
    "electrode), or a gap between the beats found held activity like a heartbeat's, so beats may "
    "be hidden there and it is not reported as a pause. Nothing can be said about the heart "
    "during them.",
}

SEVERITY_WORDS = {MINOR: "minor", MODERATE: "moderate", MAJOR: "major"}

# "Check the electrodes" only when this much of the recording was unreadable: a few seconds of
# movement noise happen in every recording and say nothing about how the electrodes stuck.
UNREADABLE_ADVICE_FRACTION = 0.05
UNREADABLE_ADVICE_S = 600.0  # or this long in all, which on a day-long recording is under 1 %
STRIP_LEAD_IN_S = 1.0  # signal shown before an event's first beat


def hms(seconds: float | None, tenths: bool = False) -> str:
    """Time into the recording as h:mm:ss (h:mm:ss.s with ``tenths``)."""
    if seconds is None:
        return "time not given"
    whole, tenth = divmod(round(seconds * 10), 10) if tenths else (round(seconds), None)
    text = f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return text if tenth is None else f"{text}.{tenth}"


def with_clock(seconds: float | None, clock: str) -> str:
    """E.g. "0:14:03", or "0:14:03 (22:28:08)" with the file's ``clock`` time of it."""
    return f"{hms(seconds)} ({clock})" if clock else hms(seconds)


@dataclass
class Finding:
    """All events of one type, with the one shown as its example."""

    type: str
    label: str
    severity: int
    count: int
    total_s: float
    explanation: str
    example: Event
    by_severity: dict[int, int] = field(default_factory=dict)  # events of each severity
    clock: str = ""  # the example's time by the file's clock, where the file gives one

    @property
    def severity_word(self) -> str:
        return SEVERITY_WORDS[self.severity]

    @property
    def events_by_severity(self) -> dict[str, int]:
        """Events of each severity by its word, e.g. {"minor": 154, "moderate": 1}."""
        return {SEVERITY_WORDS[sev]: n for sev, n in sorted(self.by_severity.items()) if n}

    @property
    def severities(self) -> str:
        """E.g. "1 moderate, 154 minor", most severe first; "" when all events have one severity
        (the finding's own)."""
        counts = self.events_by_severity
        if len(counts) < 2:
            return ""
        return ", ".join(f"{n} {word}" for word, n in reversed(counts.items()))

    @property
    def example_at(self) -> str:
        return with_clock(self.example.start_s, self.clock)

    @property
    def how_often(self) -> str:
        """E.g. "1 time", "3 times, 42 s in all" (the total only where it reaches a second) or
        "155 times (1 moderate, 154 minor)" when the events differ in severity."""
        text = f"{self.count} time{'' if self.count == 1 else 's'}"
        if self.severities:
            text += f" ({self.severities})"
        return text + (f", {self.total_s:.0f} s in all" if self.total_s >= 1 else "")


@dataclass
class Correlation:
    symptom: str
    at_s: float | None
    events: list[Event]
    clock: str = ""  # the symptom's time by the file's clock, where the file gives one

    @property
    def when(self) -> str:
        return with_clock(self.at_s, self.clock)

    def matches(self, limit: int = 5) -> list[str]:
        return [f"{e.get_type_display()} at {hms(e.start_s)}" for e in self.events[:limit]]

    @property
    def top_matches(self) -> list[str]:
        return self.matches()

    @property
    def label(self) -> str:
        from recordings.models import SYMPTOMS

        return SYMPTOMS.get(self.symptom, self.symptom)


@dataclass
class ReviewOutcome:
    """What the owner sees of the cardiology review of their analysis (page, PDF, API alike):
    its status and, once the case is closed, who closed it, the decisions and the conclusion."""

    status: str
    status_label: str
    closed_at: datetime | None = None
    reviewer: str = ""
    conclusion: str = ""
    decisions: dict[str, int] = field(default_factory=dict)

    @property
    def closed(self) -> bool:
        return self.status == ReviewCase.Status.CLOSED

    @property
    def checked(self) -> str:
        """E.g. "Events checked: 3 confirmed, 1 relabelled, 0 rejected; 2 events left undecided."."""
        c = self.decisions
        text = (
            f"Events checked: {c.get('confirm', 0)} confirmed, {c.get('relabel', 0)} relabelled, "
            f"{c.get('reject', 0)} rejected"
        )
        left = c.get("undecided", 0)
        if left:
            text += f"; {left} event{'' if left == 1 else 's'} left undecided"
        return text + "."


def review_outcome(analysis: Analysis) -> ReviewOutcome | None:
    """The review of ``analysis`` as its owner may see it; None if it was never flagged. A draft
    conclusion stays with the reviewer until the case is closed."""
    case = ReviewCase.objects.filter(analysis=analysis).select_related("claimed_by").first()
    if case is None:
        return None
    outcome = ReviewOutcome(status=case.status, status_label=case.get_status_display())
    if case.status != ReviewCase.Status.CLOSED:
        return outcome
    reviewer = case.claimed_by
    outcome.closed_at = case.closed_at
    outcome.reviewer = (reviewer.get_full_name() or reviewer.get_username()) if reviewer else ""
    outcome.conclusion = case.conclusion
    outcome.decisions = decision_counts(case)
    return outcome


@dataclass
class Report:
    analysis: Analysis
    findings: list[Finding]
    correlations: list[Correlation]
    next_steps: list[str]
    questionnaire: object | None
    model_versions: dict
    disclaimer: str = DISCLAIMER
    summary: dict = field(default_factory=dict)
    review: ReviewOutcome | None = None

    @property
    def highest_severity(self) -> int:
        return max((f.severity for f in self.findings), default=0)

    @property
    def lead_caveat(self) -> str:
        """A warning when the beats were not classified on lead II ("" when they were)."""
        return lead_caveat(self.summary.get("classified_lead") or "")

    @property
    def pacing_caveat(self) -> str:
        """A warning when the questionnaire says a pacemaker is fitted ("" otherwise)."""
        return pacing_caveat(self.questionnaire)

    @property
    def strip_lead_name(self) -> str:
        """The lead the strips show (``strip_lead``)."""
        names = self.analysis.lead_names
        return str(names[strip_lead(self.analysis)]) if names else ""

    @property
    def heart_rate(self) -> str:
        s = self.summary
        if s.get("hr_mean_bpm") is None:
            return "not measured (too little readable signal)"
        if s.get("hr_min_at_s") is None:  # analyses from before the times were kept
            return f"{s['hr_min_bpm']} to {s['hr_max_bpm']} bpm, mean {s['hr_mean_bpm']} bpm"
        return (
            f"mean {s['hr_mean_bpm']} bpm; lowest {s['hr_min_bpm']} bpm at {hms(s['hr_min_at_s'])}, "
            f"highest {s['hr_max_bpm']} bpm at {hms(s['hr_max_at_s'])} (over {RATE_BEATS} beats)"
        )

    @property
    def no_symptoms(self) -> str:
        """What stands in place of the symptoms table when it is empty ("" when it is not)."""
        if self.questionnaire is None:
            return "No questionnaire answered yet."
        return "" if self.correlations else "No symptoms were reported during this recording."

    @property
    def ectopy(self) -> str:
        """How many ectopic beats and what share of all beats, e.g. "ventricular (V) 959, 44.2 % of
        beats; supraventricular (S) 13, 0.6 %": the burden a Holter report states first."""
        s = self.summary
        beats, by_class = s.get("beats", 0), s.get("beats_by_class", {})
        if not beats:
            return "no beats found"
        v, sv, f = by_class.get("V", 0), by_class.get("S", 0), by_class.get("F", 0)
        return (
            f"ventricular (V) {v}, {share(v, beats)} of beats; "
            f"supraventricular (S) {sv}, {share(sv, beats)}; fusion (F) {f}, {share(f, beats)}"
        )

    @property
    def classifier_note(self) -> str:
        return classifier_note()

    @property
    def hrv(self) -> str:
        s = self.summary
        if s.get("sdnn_ms") is None:
            return (
                "not given: fewer than half of the intervals are between normal beats in sinus "
                "rhythm (atrial fibrillation, frequent ectopy or unreadable signal)"
            )
        rmssd = f", RMSSD {s['rmssd_ms']} ms" if s.get("rmssd_ms") is not None else ""
        return f"SDNN {s['sdnn_ms']} ms{rmssd}, over normal-to-normal intervals"

    @property
    def duration(self) -> str:
        """The recording's length as "42 s", "12 min 5 s" or "3 h 4 min"."""
        seconds = round(self.analysis.recording.duration_s)
        if seconds < 60:
            return f"{seconds} s"
        if seconds < 3600:
            return f"{seconds // 60} min {seconds % 60} s"
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"


PACING_CAVEAT = (
    "The questionnaire says a pacemaker or implanted defibrillator is fitted. The beat classifier "
    "was trained without paced recordings (MIT-BIH's four paced records are left out, as the AAMI "
    "standard asks), so it has no class for paced beats: paced beats are wide, and it is likely "
    "to call them ventricular (V), and runs of them ventricular runs. Read the ventricular "
    "findings, and the beat counts, against the pacing on the strips."
)


def pacing_caveat(questionnaire: Questionnaire | None) -> str:
    return PACING_CAVEAT if questionnaire and questionnaire.paced else ""


def lead_caveat(lead: str) -> str:
    """A warning for beats classified on ``lead``, unless it is MLII or lead II (by
    ``mlcore.datasets.is_model_lead``, as ``model_lead`` picks it); "" for an unknown lead."""
    if not lead or is_model_lead(lead):
        return ""
    start = "The beat classifier was trained on lead II (MIT-BIH MLII); this recording has no lead"
    if placement_unknown(lead):
        return (
            f"{start} named II, so it classified the lead named {lead}, whose placement is not "
            "given; if it is not lead II, its beat classes are less reliable."
        )
    return f"{start} II, so it classified lead {lead}, on which its beat classes are less reliable."


@lru_cache(maxsize=1)
def classifier_note() -> str:
    """How far the default classifier's beat classes can be trusted: its V and S sensitivity and
    positive predictivity on patients it never saw (its evaluation on MIT-BIH DS2 on the platform's
    own path, ``eval-ds2-detected.json``); "" if that file is missing."""
    path = MODELS_DIR / DEFAULT_CLASSIFIER / "eval-ds2-detected.json"
    if not path.exists():
        return ""
    per_class = json.loads(path.read_text())["per_class"]
    v, s, f = (per_class[c] for c in "VSF")

    def pct(value: float) -> str:
        return f"{100 * value:.0f} %"

    return (
        "The beat classes come from a classifier trained on 22 patients of the MIT-BIH "
        f"Arrhythmia Database. On 22 other patients it found {pct(v['se'])} of ventricular beats, "
        f"and {pct(v['ppv'])} of the beats it called V were; {pct(s['se'])} of supraventricular "
        f"beats, and {pct(s['ppv'])} of its S calls were; {pct(f['se'])} of fusion beats, and "
        f"{pct(f['ppv'])} of its F calls were. Check ectopic beats on the strips before relying "
        "on their counts."
    )


def strip_lead(analysis: Analysis) -> int:
    """Index in ``analysis.lead_names`` of the lead whose beats were classified, shown on the
    strips (the first lead for analyses that do not say)."""
    name = (analysis.summary or {}).get("classified_lead")
    names = list(analysis.lead_names)
    return names.index(name) if name in names else 0


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` in percent, e.g. "44.2 %"; a few beats in many are "< 0.1 %", not 0."""
    pct = 100 * part / whole
    return "< 0.1 %" if 0 < pct < 0.1 else f"{pct:.1f} %"


def finding(
    kind: str,
    count: int,
    severity: int,
    total_s: float,
    example: Event,
    by_severity: dict[int, int] | None = None,
    clock: str = "",
) -> Finding:
    return Finding(
        type=kind,
        label=EVENT_TYPES.get(kind, kind),
        severity=severity,
        count=count,
        total_s=round(total_s, 1),
        explanation=EXPLANATIONS.get(kind, ""),
        example=example,
        by_severity=dict(by_severity or {}),
        clock=clock,
    )


def ranked(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then in clinical order (ventricular flutter/fibrillation before a run,
    a run before single beats; ``CLINICAL_ORDER``), not by how often; unreadable signal (about the
    recording, not the heart) last whatever its severity."""
    return sorted(
        findings,
        key=lambda f: (f.type == "unreadable", -f.severity, CLINICAL_ORDER.index(f.type)),
    )


def example_key(event: Event) -> tuple:
    """The event shown for its type: the most severe, then the strongest, then the earliest."""
    return (event.severity, event.score, -event.start_s)


def rank_findings(events: list[Event]) -> list[Finding]:
    """One finding per event type, from a list of events."""
    by_type: dict[str, list[Event]] = {}
    for event in events:
        by_type.setdefault(event.type, []).append(event)
    return ranked(
        [
            finding(
                kind,
                len(group),
                max(e.severity for e in group),
                sum(max(e.end_s - e.start_s, 0.0) for e in group),
                max(group, key=example_key),
                Counter(e.severity for e in group),
            )
            for kind, group in by_type.items()
        ]
    )


def findings_of(analysis: Analysis) -> list[Finding]:
    """``rank_findings`` of the analysis's events, computed in the database: a day-long recording
    can have tens of thousands of events, and the report needs only one example per type."""
    rows = analysis.events.values("type").annotate(
        n=Count("id"), worst=Max("severity"), total=Sum(F("end_s") - F("start_s"))
    )
    by_severity: dict[str, dict[int, int]] = {}
    for row in analysis.events.values("type", "severity").annotate(n=Count("id")).order_by():
        by_severity.setdefault(row["type"], {})[row["severity"]] = row["n"]
    out = []
    for row in rows:
        example = (
            analysis.events.filter(type=row["type"])
            .order_by("-severity", "-score", "start_s")
            .first()
        )
        total = max(row["total"] or 0, 0)
        kind = row["type"]
        clock = analysis.recording.clock_at(example.start_s)
        out.append(
            finding(kind, row["n"], row["worst"], total, example, by_severity.get(kind), clock)
        )
    return ranked(out)


def correlate(
    symptoms,
    events_between: Callable[[float, float], list[Event]],
    slack_s: float = SYMPTOM_SLACK_S,
    clock_at: Callable[[float], str] = lambda seconds: "",
) -> list[Correlation]:
    """Each reported symptom with the events overlapping its time (give or take ``slack_s``);
    ``events_between(lo, hi)`` gives the events overlapping [lo, hi], ``clock_at`` the clock
    time of a time into the recording."""
    out = []
    for symptom in symptoms:
        if symptom.at_s is None:
            out.append(Correlation(symptom.kind, None, []))
            continue
        lo, hi = symptom.at_s - slack_s, symptom.at_s + symptom.duration_s + slack_s
        near = [e for e in events_between(lo, hi) if e.type != "unreadable"]
        near.sort(key=lambda e: (-e.severity, abs(e.start_s - symptom.at_s)))
        out.append(Correlation(symptom.kind, symptom.at_s, near, clock_at(symptom.at_s)))
    return out


def in_list(events: list[Event]) -> Callable[[float, float], list[Event]]:
    return lambda lo, hi: [e for e in events if e.end_s >= lo and e.start_s <= hi]


def in_database(analysis: Analysis) -> Callable[[float, float], list[Event]]:
    return lambda lo, hi: list(analysis.events.filter(end_s__gte=lo, start_s__lte=hi)[:1000])


def next_steps(
    findings: list[Finding],
    correlations: list[Correlation],
    questionnaire,
    duration_s: float | None = None,
) -> list[str]:
    """Suggested next steps, most urgent first; always ends with sharing the report. The
    electrode advice needs the recording's ``duration_s`` for its share unreadable (without it,
    only ``UNREADABLE_ADVICE_S`` counts)."""
    steps = []
    kinds = {f.type for f in findings}
    severe = any(f.severity == MAJOR for f in findings if f.type != "unreadable")
    fainted = any(c.symptom == "fainting" for c in correlations)
    chest = any(c.symptom == "chest_pain" for c in correlations)
    if "vf" in kinds:
        steps.append(
            "Possible ventricular flutter or fibrillation was found: have a doctor look at these "
            "strips today. If you feel faint, short of breath or have chest pain, call emergency "
            "services."
        )
    if fainted or chest:
        steps.append(
            "You reported fainting or chest pain: if it happens again, or is happening now, "
            "call emergency services."
        )
    if severe:
        steps.append(
            "Major findings were detected: book an appointment with your doctor or cardiologist "
            "soon, and bring this report."
        )
    elif any(f.severity == MODERATE for f in findings if f.type != "unreadable"):
        steps.append("Moderate findings were detected: mention them at your next doctor's visit.")
    if any(c.events for c in correlations):
        steps.append(
            "Some symptoms happened at the same time as findings: tell your doctor, this link "
            "matters for the diagnosis."
        )
    if any(c.at_s is None for c in correlations):
        steps.append(
            "Noting the time of each symptom during a recording lets it be compared with the ECG."
        )
    unreadable_s = sum(f.total_s for f in findings if f.type == "unreadable")
    if unreadable_s > 0 and (
        unreadable_s >= UNREADABLE_ADVICE_S
        or (duration_s and unreadable_s >= UNREADABLE_ADVICE_FRACTION * duration_s)
    ):
        steps.append(
            "Part of the signal was unreadable: check that the electrodes stick well next time."
        )
    if not [f for f in findings if f.type != "unreadable"]:
        steps.append("No rhythm findings were detected in the readable signal.")
    if questionnaire is None:
        steps.append(
            "Answer the symptom questionnaire so the report can relate symptoms to findings."
        )
    steps.append("Share this report with your doctor; only they can make a diagnosis.")
    return steps


def answers(analysis: Analysis) -> tuple[Questionnaire | None, list[Correlation]]:
    """The recording's questionnaire (None if never answered) and its symptoms beside the
    analysis's events at their times: what the report and the review case show."""
    questionnaire = getattr(analysis.recording, "questionnaire", None)
    symptoms = list(questionnaire.symptoms.all()) if questionnaire else []
    return questionnaire, correlate(
        symptoms, in_database(analysis), clock_at=analysis.recording.clock_at
    )


def build_report(analysis: Analysis) -> Report:
    questionnaire, correlations = answers(analysis)
    findings = findings_of(analysis)
    return Report(
        analysis=analysis,
        findings=findings,
        correlations=correlations,
        next_steps=next_steps(findings, correlations, questionnaire, analysis.recording.duration_s),
        questionnaire=questionnaire,
        model_versions=analysis.model_versions,
        summary=analysis.summary,
        review=review_outcome(analysis),
    )


def strip_range(event: Event, width_s: float = 10.0) -> tuple[float, float]:
    """The strip shown for an event: ``width_s`` seconds centred on it, or, for an event too long
    for that, from STRIP_LEAD_IN_S before its start, so that its first beat is seen in context."""
    if event.end_s - event.start_s + 2 * STRIP_LEAD_IN_S <= width_s:
        start = (event.start_s + event.end_s - width_s) / 2
    else:
        start = event.start_s - STRIP_LEAD_IN_S
    start = max(0.0, start)
    return start, start + width_s
