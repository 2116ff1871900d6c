"""Reviewer pages: the queue, a case with its events, and the JSON the case page's timeline reads."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from analysis import report, review, timeline
from analysis.event_list import event_list
from analysis.models import Event, EventReview, ReviewCase
from analysis.serializers import DecisionSerializer, NotesSerializer
from mlcore.findings import EVENT_TYPES
from mlcore.segment import AAMI_CLASSES


def reviewer_required(view):
    """Logged-in reviewers (the Reviewers group) and staff only; anyone else gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not review.is_reviewer(request.user):
            raise PermissionDenied("Only reviewers can open the review queue.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def text(params: QueryDict, name: str) -> str:
    """A free-text field, stripped, without NUL characters (PostgreSQL cannot store or search
    for them)."""
    return params.get(name, "").replace("\x00", "").strip()


# The API's limits, read from its serializers so that the page and the API cannot drift apart.
LIMITS = {
    "note": DecisionSerializer().fields["note"].max_length,
    "conclusion": NotesSerializer().fields["conclusion"].max_length,
    "notes": NotesSerializer().fields["notes"].max_length,
}
LABELS = {"note": "Note", "conclusion": "Conclusion", "notes": "Internal notes"}


def limited(params: QueryDict, name: str) -> str:
    """``text`` of a field the API limits (``LIMITS``): refused past the limit, never cut, so a
    reviewer's text is saved whole or not at all."""
    value = text(params, name)
    if len(value) > LIMITS[name]:
        raise review.ReviewError(
            f"{LABELS[name]}: ensure it has no more than {LIMITS[name]} characters "
            f"(it has {len(value)}); nothing was saved."
        )
    return value


TYPED = "review_typed"  # in the session: a refused form's fields, for the case page to show again


def keep_typed(request: HttpRequest, case: ReviewCase, **fields: object) -> None:
    """Keep what a refused form sent, so that the case page it redirects to shows it again."""
    request.session[TYPED] = {"case": case.pk, **fields}


def typed(request: HttpRequest, case: ReviewCase) -> dict:
    """What a refused form of this case sent (``keep_typed``), shown once; else empty."""
    kept = request.session.pop(TYPED, None) or {}
    return kept if kept.get("case") == case.pk else {}


def get_case(pk: int) -> ReviewCase:
    return get_object_or_404(
        ReviewCase.objects.select_related("analysis__recording__owner", "claimed_by"), pk=pk
    )


QUEUE_SHOWN = 200  # cases on the queue page (the API pages through all of them)
AUDIT_SHOWN = 200  # latest audit entries on the case page, unless it is asked for all of them


@reviewer_required
def queue(request: HttpRequest) -> HttpResponse:
    params = request.GET
    status = params.get("status") or None
    if status not in (None, "all", *ReviewCase.Status.values):
        status = None
    try:
        min_severity = int(params.get("severity") or 0)
    except ValueError:
        min_severity = 0
    event_type = params.get("type") if params.get("type") in EVENT_TYPES else ""
    mine = params.get("mine") == "1"
    search = text(params, "q")[:100]  # a search cut short is harmless
    cases = review.queue(
        status=status,
        min_severity=min_severity,
        event_types=[event_type] if event_type else [],
        claimed_by=request.user if mine else None,
        search=search,
    )
    shown = list(cases[:QUEUE_SHOWN])
    return render(
        request,
        "review/queue.html",
        {
            "cases": shown,
            # Without the filters' total a reviewer could not tell that the list was cut.
            "n_cases": cases.count() if len(shown) == QUEUE_SHOWN else len(shown),
            "statuses": ReviewCase.Status.choices,
            "event_types": EVENT_TYPES.items(),
            "filters": {
                "status": status or "",
                "severity": min_severity,
                "type": event_type,
                "mine": mine,
                "q": search,
            },
        },
    )


@reviewer_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
    listed = event_list(
        request,
        case.analysis.events.all(),
        decided=case.decisions.values("event_id"),
        keep=("audit",),
    )
    kept = typed(request, case)
    events = review.case_events(case, listed.page.object_list)
    for row in events:
        if row["id"] == kept.get("event"):
            row["typed"] = kept  # the decide form shows what was sent, not what is stored
    counts = review.decision_counts(case)  # every event once: decided ones and "undecided"
    # Every decision writes an entry: a long case's trail would outgrow the rest of the page.
    audit = case.audit.select_related("actor")
    n_audit = audit.count()
    if request.GET.get("audit") != "all" and n_audit > AUDIT_SHOWN:
        audit = list(audit.order_by("-created", "-id")[:AUDIT_SHOWN])[::-1]
    questionnaire, correlations = report.answers(case.analysis)
    return render(
        request,
        "review/case.html",
        {
            "case": case,
            "questionnaire": questionnaire,
            "correlations": correlations,
            "pacing_caveat": report.pacing_caveat(questionnaire),
            "analysis": case.analysis,
            "recording": case.analysis.recording,
            "listed": listed,
            "events": events,
            "conclusion_text": kept.get("conclusion", case.conclusion),
            "notes_text": kept.get("notes", case.notes),
            "limits": LIMITS,
            "n_undecided": counts["undecided"],
            "n_all_events": sum(counts.values()),
            "can_edit": case.status == ReviewCase.Status.IN_REVIEW
            and case.claimed_by_id == request.user.pk,
            "event_types": EVENT_TYPES.items(),
            "aami_classes": AAMI_CLASSES,
            "decisions": EventReview.Decision.values,
            "audit": list(audit),
            "n_audit": n_audit,
            "leads_json": json.dumps(case.analysis.lead_names),
        },
    )


@require_POST
@reviewer_required
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
    if review.claim(case.pk, request.user):
        messages.success(request, f"You are reviewing {case.analysis.recording.name}.")
    elif review.claimed_by_user(case, request.user):
        messages.info(request, "You have already claimed this case.")
    else:
        messages.error(request, review.why_not_claimable(case))
        return redirect("review_queue")
    return redirect("review_case", pk=case.pk)


@require_POST
@reviewer_required
def release(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
    try:
        review.release(case, request.user)
    except review.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("review_case", pk=case.pk)
    messages.info(request, "The case is back in the queue.")
    return redirect("review_queue")


@require_POST
@reviewer_required
def decide(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    case = get_case(pk)
    event = get_object_or_404(Event, pk=event_pk, analysis=case.analysis)
    data = request.POST
    try:
        if not data.get("decision"):
            # A note or a new type is stored with a decision, never on its own.
            raise review.ReviewError(
                "Choose a decision (confirm, reject or relabel) before saving; "
                "a note or a new type is saved with the decision."
            )
        review.decide(
            case,
            event,
            request.user,
            data.get("decision", ""),
            new_type=data.get("new_type", ""),
            new_class=data.get("new_class", ""),
            note=limited(data, "note"),
        )
    except review.ReviewError as exc:
        if wants_json(request):  # the page's script keeps the row's fields as they are
            return JsonResponse({"error": str(exc)}, status=400)
        fields = ("decision", "new_type", "new_class", "note")
        keep_typed(request, case, event=event.pk, **{name: data.get(name, "") for name in fields})
        messages.error(request, str(exc))
        return redirect(case_url(case, data.get("list", "")))
    if wants_json(request):
        [row] = review.case_events(case, Event.objects.filter(pk=event.pk))
        return JsonResponse({"event": row})
    return redirect(f"{case_url(case, data.get('list', ''))}#event-{event.pk}")


LIST_PARAMS = ("type", "severity", "undecided", "page", "audit")


def case_url(case: ReviewCase, list_query: str = "") -> str:
    """The case page, back on the event list's filters and page (``list_query``, as the decide
    form sends it; anything but the list's own parameters is dropped)."""
    url = reverse("review_case", args=[case.pk])
    kept = QueryDict(list_query).dict()
    kept = {k: kept[k] for k in LIST_PARAMS if kept.get(k)}
    return f"{url}?{urlencode(kept)}" if kept else url


@require_POST
@reviewer_required
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the conclusion and notes; with ``close`` in the form, close the case too."""
    case = get_case(pk)
    try:
        conclusion = limited(request.POST, "conclusion")
        notes = limited(request.POST, "notes")
        if "close" in request.POST:
            confirmed = request.POST.get("close_undecided") == "1"
            try:
                review.close(case, request.user, conclusion, notes, with_undecided=confirmed)
            except review.Undecided as exc:
                # Keep what was written while the reviewer decides the rest or confirms.
                review.save_notes(case, request.user, conclusion, notes)
                messages.error(request, f"{exc} (tick “Close with undecided events”)")
                return redirect("review_case", pk=case.pk)
            messages.success(request, "Case closed; the owner has been notified.")
            return redirect("review_queue")
        review.save_notes(case, request.user, conclusion, notes)
        messages.success(request, "Saved.")
    except review.ReviewError as exc:
        # Nothing was saved: the page shows the text again, as it was sent.
        data = request.POST
        keep_typed(
            request, case, conclusion=data.get("conclusion", ""), notes=data.get("notes", "")
        )
        messages.error(request, str(exc))
    return redirect("review_case", pk=case.pk)


# Timeline data for reviewers (the owner's endpoints in analysis/views.py are owner-only) ----------


def case_data(needs_results: bool = True):
    """Reviewer-only JSON for a case's analysis: a bad range is a 400, missing results a 409."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int) -> JsonResponse:
            analysis = get_case(pk).analysis
            if needs_results and not analysis.artefacts.get("results"):
                return JsonResponse({"error": "This analysis has no stored results."}, status=409)
            try:
                return JsonResponse(view(request, analysis))
            except timeline.RangeError as exc:
                return JsonResponse({"error": str(exc)}, status=400)

        return reviewer_required(wrapper)

    return decorate


@case_data(needs_results=False)
def events_json(request, analysis) -> dict:
    return {"events": review.case_events(analysis.review)}


@case_data()
def envelope_json(request, analysis) -> dict:
    start, end, points = timeline.parse_range(request.GET, analysis.recording.duration_s)
    return timeline.envelope(analysis, start, end, points)


@case_data()
def beats_json(request, analysis) -> dict:
    start, end, _ = timeline.parse_range(request.GET, analysis.recording.duration_s)
    return timeline.beats(analysis, start, end)


@case_data()
def windows_json(request, analysis) -> dict:
    return timeline.windows(analysis)
