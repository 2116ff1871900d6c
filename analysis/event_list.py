"""The event list of the recording and review pages: filtered by type and severity, a page at a time.

A 24-hour recording can have thousands of events; a clinician looks for one kind (every run, the
longest pause) or for the major ones, so the list filters like the API's events endpoint does and
pages through the rest instead of stopping at the first few hundred.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode

from analysis.models import Event
from mlcore.findings import EVENT_TYPES, MAJOR, MODERATE

PER_PAGE = 100
SEVERITY_FILTERS = {str(MODERATE): "moderate or major", str(MAJOR): "major only"}


@dataclass(frozen=True)
class EventList:
    page: Page
    type: str  # "" for every type
    severity: str  # "" for any, else a key of SEVERITY_FILTERS
    counts: list[tuple[str, str, int]]  # (type, label, events) of the types found
    total: int  # events of every type and severity
    undecided: bool | None = None  # review pages: only the undecided events (None: no such filter)
    kept: tuple[tuple[str, str], ...] = ()  # the page's other parameters, e.g. (("audit", "all"),)

    severity_choices = SEVERITY_FILTERS.items()

    @property
    def filtered(self) -> bool:
        return bool(self.type or self.severity or self.undecided)

    def query(self, page: int | None = None) -> str:
        """The query string of ``page`` (the page shown if None) under the same filters."""
        params = {
            "type": self.type,
            "severity": self.severity,
            "undecided": "1" if self.undecided else "",
            "page": self.page.number if page is None else page,
            **dict(self.kept),
        }
        return urlencode({k: v for k, v in params.items() if v})

    @property
    def previous_query(self) -> str:
        return self.query(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_query(self) -> str:
        return self.query(self.page.next_page_number()) if self.page.has_next() else ""


def event_list(
    request: HttpRequest,
    events: QuerySet[Event],
    decided: QuerySet | None = None,
    keep: tuple[str, ...] = (),
) -> EventList:
    """``events`` filtered by the request's ``type`` and ``severity`` and cut at its ``page``; an
    unknown filter shows everything and a page out of range the nearest one, never an error.

    With ``decided`` (the ids of the events a reviewer has decided), ``undecided=1`` leaves them
    out, so a reviewer can work through what is left of a long case. The page's parameters named in
    ``keep`` stay in the list's links and filter form."""
    chosen = request.GET.get("type", "")
    chosen = chosen if chosen in EVENT_TYPES else ""
    severity = request.GET.get("severity", "")
    severity = severity if severity in SEVERITY_FILTERS else ""
    found = dict(events.order_by().values_list("type").annotate(n=Count("id")))
    counts = [
        (value, label, found[value]) for value, label in EVENT_TYPES.items() if value in found
    ]
    shown = events.filter(type=chosen) if chosen else events
    if severity:
        shown = shown.filter(severity__gte=int(severity))
    undecided = None if decided is None else request.GET.get("undecided") == "1"
    if undecided:
        shown = shown.exclude(pk__in=decided)
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    kept = tuple((name, request.GET[name]) for name in keep if request.GET.get(name))
    return EventList(page, chosen, severity, counts, sum(found.values()), undecided, kept)
