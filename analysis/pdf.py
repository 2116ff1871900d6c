"""Strip images (matplotlib) and the report as a PDF (reportlab), from the stored artefacts."""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from analysis import timeline
from analysis.models import Analysis, Event
from analysis.report import Report, hms, strip_lead, strip_range

BEAT_COLOURS = {"N": "#6b7b8c", "S": "#1565c0", "V": "#c62828", "F": "#ef6c00", "Q": "#8e24aa"}
SEVERITY_COLOURS = {1: "#ffc107", 2: "#f57c00", 3: "#c62828"}
PRINT_DPI = 200  # the PDF's strips: 170 mm wide, sharp on paper
GRID_S, GRID_MV = 0.2, 0.5  # ECG paper's large squares


def strip_png(analysis: Analysis, start_s: float, end_s: float, **options) -> bytes:
    """A PNG of ``strip_figure`` (``options``: its event, lead and dpi)."""
    fig = strip_figure(analysis, start_s, end_s, **options)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def strip_figure(
    analysis: Analysis,
    start_s: float,
    end_s: float,
    event: Event | None = None,
    lead: int | None = None,
    dpi: int = 110,
) -> Figure:
    """The filtered ECG between two times: one lead (by default the one whose beats were
    classified, ``strip_lead``), beats marked, the event shaded."""
    if lead is None:
        lead = strip_lead(analysis)
    duration = analysis.recording.duration_s
    start_s, end_s = max(0.0, start_s), min(duration, end_s)
    env = timeline.envelope(analysis, start_s, end_s, 2000)
    beats = timeline.beats(analysis, start_s, end_s)
    lead = min(lead, len(env["min"]) - 1)
    lo, hi = env["min"][lead], env["max"][lead]
    unit = strip_unit(analysis)
    times = [env["start_s"] + (i + 0.5) * env["bin_s"] for i in range(len(lo))]
    fig = Figure(figsize=(8, 1.9), dpi=dpi)
    ax = fig.add_axes((0.07, 0.22, 0.88, 0.7))  # room for the last time label on the right
    if event is not None:
        ax.axvspan(
            event.start_s - 0.15,
            max(event.end_s, event.start_s + 0.3) + 0.15,
            color=SEVERITY_COLOURS.get(event.severity, "#ffc107"),
            alpha=0.25,
            lw=0,
        )
    if env["level"] == 0:
        ax.plot(times, hi, color="#1d2733", lw=0.8)
    else:
        ax.fill_between(times, lo, hi, color="#1d2733", lw=0.5)
    top = max(hi) if hi else unit
    for t, cls in zip(beats["time_s"], beats["class"], strict=True):
        name = beats["classes"][cls]
        ax.plot(t, top + 0.15 * unit, "o", ms=4, color=BEAT_COLOURS.get(name, "#000"))
        if name != "N":
            ax.annotate(
                name,
                (t, top + 0.15 * unit),
                xytext=(0, 5),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                color=BEAT_COLOURS.get(name, "#000"),
            )
    ax.set_xlim(start_s, end_s)
    bottom = min(lo) - 0.2 * unit if lo else -unit
    ax.set_ylim(bottom, top + 0.8 * unit)  # room above the beat dots for their class letters
    # ECG paper: a light grid every 0.2 s and 0.5 mV (the minor ticks); labels on whole seconds
    # and on whole millivolts, few enough to read, so that they fall on grid lines too.
    ax.xaxis.set_minor_locator(MultipleLocator(GRID_S))
    ax.yaxis.set_minor_locator(MultipleLocator(GRID_MV * unit))
    ax.grid(which="both", color="#f3b8b8", lw=0.4)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    step = max(1, math.ceil((top + 0.8 * unit - bottom) / unit / 5)) * unit
    ax.yaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: hms(x)))
    # Said on the strip: its grid looks like ECG paper, but the strip is not drawn to 25 mm/s.
    grid = f"grid {GRID_S} s × {GRID_MV * unit:g} mV"
    ax.set_xlabel(f"time into the recording (h:mm:ss); {grid}", fontsize=7)
    label = f"{env['leads'][lead]} (mV)" if env["leads"] else "mV"
    ax.set_ylabel(label, fontsize=7, parse_math=False)  # a lead name is the uploader's text
    ax.tick_params(labelsize=7)
    return fig


def strip_unit(analysis: Analysis) -> int:
    """What the strip's grid and spacing are multiplied by: 1 for an ECG in mV; the analysis's
    coarser display step (``envelope_scale_uv``) for a file in far larger units, such as ADC counts,
    whose hundreds of units would otherwise hide the trace under thousands of grid lines."""
    return int(analysis.artefacts.get("envelope_scale_uv", 1))


def event_strip_png(analysis: Analysis, event: Event, dpi: int = 110) -> bytes:
    start, end = strip_range(event)
    return strip_png(analysis, start, end, event=event, dpi=dpi)


# reportlab's built-in Helvetica draws only Latin-1: names and notes in Polish, Greek, Cyrillic
# and more need a font with their letters. DejaVu Sans comes with matplotlib (no CJK, though).
FONT_FILES = {
    "Helvetica": "DejaVuSans.ttf",
    "Helvetica-Bold": "DejaVuSans-Bold.ttf",
    "Helvetica-Oblique": "DejaVuSans-Oblique.ttf",
    "Helvetica-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}


@cache
def fonts() -> dict[str, str]:
    """Register DejaVu Sans with reportlab once; each Helvetica style's replacement by name."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    names = {}
    for helvetica, file in FONT_FILES.items():
        name = Path(file).stem
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
        names[helvetica] = name
    pdfmetrics.registerFontFamily(
        "DejaVuSans",
        normal="DejaVuSans",
        bold="DejaVuSans-Bold",
        italic="DejaVuSans-Oblique",
        boldItalic="DejaVuSans-BoldOblique",
    )
    return names


def report_styles():
    """reportlab's sample styles, in DejaVu Sans instead of Helvetica."""
    styles = getSampleStyleSheet()
    replacement = fonts()
    for style in styles.byName.values():
        for attribute in ("fontName", "bulletFontName"):  # list styles have no fontName
            font = getattr(style, attribute, None)
            if font in replacement:
                setattr(style, attribute, replacement[font])
    return styles


def report_pdf(report: Report) -> bytes:
    """The report as an A4 PDF, in the same order as the page."""
    analysis = report.analysis
    recording = analysis.recording
    styles = report_styles()
    body, small = styles["BodyText"], styles["Italic"]
    styles["Heading2"].keepWithNext = 1
    story: list = []

    def para(text: str, style=body) -> None:
        story.append(Paragraph(escape(text), style))

    story.append(Paragraph(f"Beatline report: {escape(recording.name)}", styles["Title"]))
    started = f"started {recording.clock_start_text} by the file's clock, "
    para(
        f"Recording of {report.duration} ({', '.join(analysis.lead_names)}), "
        f"{started if recording.clock_start else ''}"
        f"analysis {analysis.pk} finished {analysis.finished:%Y-%m-%d %H:%M} UTC."
    )
    story.append(Spacer(1, 3 * mm))
    box = Table([[Paragraph(f"<b>{escape(report.disclaimer)}</b>", body)]], colWidths=[170 * mm])
    box.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts()["Helvetica"]),
                ("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#b3261e")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdecea")),
            ]
        )
    )
    story += [box, Spacer(1, 4 * mm)]

    s = report.summary
    story.append(Paragraph("Summary", styles["Heading2"]))
    by_class = s.get("beats_by_class", {})
    para(
        f"{s.get('beats', 0)} beats; heart rate {report.heart_rate}; beats by class N/S/V/F/Q: "
        + "/".join(str(by_class.get(c, 0)) for c in "NSVFQ")
        + (f", classified on lead {s['classified_lead']}" if s.get("classified_lead") else "")
        + f"; readable signal {s.get('readable_pct')} %"
        + (
            f"; suspected atrial fibrillation {s['af_burden_pct']} % of the recording."
            if s.get("af_burden_pct")
            else "."
        )
    )
    para(f"Ectopic beats: {report.ectopy}. Heart-rate variability: {report.hrv}.")
    for caveat in (report.lead_caveat, report.pacing_caveat):
        if caveat:
            para(caveat)
    if report.classifier_note:
        para(report.classifier_note, small)

    story.append(Paragraph("Findings, most serious first", styles["Heading2"]))
    if not report.findings:
        para("No findings.")
    for finding in report.findings:
        example = finding.example
        block = [
            Paragraph(
                f"<b>{escape(finding.label)}</b> ({finding.severity_word}): {finding.how_often}",
                styles["Heading4"],
            ),
            Paragraph(escape(finding.explanation), body),
            Paragraph(
                escape(f"Example at {finding.example_at}: {example.description or finding.label}"),
                small,
            ),
            Image(
                io.BytesIO(event_strip_png(analysis, example, dpi=PRINT_DPI)),
                width=170 * mm,
                height=40 * mm,
            ),
        ]
        story.append(KeepTogether(block))

    story.append(Paragraph("Symptoms and findings", styles["Heading2"]))
    if report.no_symptoms:
        para(report.no_symptoms)
    for corr in report.correlations:
        if corr.at_s is None:
            para(f"{corr.label} (time not given): cannot be compared with the ECG.")
        elif corr.events:
            names = ", ".join(corr.matches())
            para(f"{corr.label} at {corr.when}: at the same time as {names}.")
        else:
            para(f"{corr.label} at {corr.when}: no finding at that time.")
    q = report.questionnaire
    if q is not None:
        para(
            f"Age {q.age if q.age is not None else 'not given'}, sex {q.sex or 'not given'}; "
            f"conditions: {', '.join(q.condition_labels()) or 'none given'}; "
            f"medication: {q.medication or 'none given'}."
        )

    story.append(Paragraph("Suggested next steps", styles["Heading2"]))
    for step in report.next_steps:
        para(f"• {step}")

    outcome = report.review
    if outcome is not None:
        story.append(Paragraph("Cardiology review", styles["Heading2"]))
        if outcome.closed:
            para(
                "Status: Reviewed"
                + (f" by {outcome.reviewer}" if outcome.reviewer else "")
                + (f", {outcome.closed_at:%Y-%m-%d %H:%M} UTC" if outcome.closed_at else "")
                + f". {outcome.checked}"
            )
            if outcome.conclusion:
                story.append(Paragraph(escape(outcome.conclusion).replace("\n", "<br/>"), body))
        else:
            para(
                f"Status: {outcome.status_label}. This analysis was flagged for review by a "
                "cardiology reviewer; the conclusion will appear here once the review is closed."
            )

    story.append(Paragraph("Models", styles["Heading2"]))
    para(", ".join(f"{k}: {v}" for k, v in report.model_versions.items()) or "unknown")
    story += [Spacer(1, 4 * mm), Paragraph(escape(report.disclaimer), small)]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Beatline report: {recording.name}",
        initialFontName=fonts()["Helvetica"],
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    footer = f"Beatline report: {recording.name} · analysis {analysis.pk}"

    def number_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(fonts()["Helvetica"], 7)
        canvas.drawString(20 * mm, 10 * mm, footer[:120])
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return buffer.getvalue()
