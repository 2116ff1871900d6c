"""The review pages at a clinic's size: the work per page does not grow with the cases or events.

Query counts are compared for a few and many cases or events; ``rows_read`` (rows the database
answered) catches a query that reads a whole case where one page or one row is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis import event_list, review, review_views
from analysis.models import AuditEntry, EventReview, ReviewCase
from tests.platform.review_helpers import make_case


def events(n: int, type_: str = "pvc", severity: int = 1) -> list[tuple]:
    return [(type_, 10.0 + i, 10.5 + i, severity) for i in range(n)]


def make_cases(owner, n: int, start: int = 0) -> list[ReviewCase]:
    return [
        make_case(owner, [*events(3), ("pause", 1, 4, 3)], name=f"holter-{start + i}")
        for i in range(n)
    ]


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@contextmanager
def rows_read() -> Iterator[list[int]]:
    """Counts the rows the database answers (PostgreSQL gives a SELECT's row count)."""
    counted = [0]

    def count(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT"):
            counted[0] += max(context["cursor"].rowcount, 0)
        return result

    with connection.execute_wrapper(count):
        yield counted


def claimed(case: ReviewCase, user) -> ReviewCase:
    ReviewCase.objects.filter(pk=case.pk).update(status="in_review", claimed_by=user)
    case.refresh_from_db()
    return case


def decide_all(case: ReviewCase, user) -> None:
    """Every event decided, with its audit entry, as a finished long case has them."""
    events = list(case.analysis.events.all())
    EventReview.objects.bulk_create(
        EventReview(case=case, event=e, decision="confirm", reviewer=user) for e in events
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(case=case, actor=user, action="decide", details={"event": e.pk}) for e in events
    )


def test_queue_page_queries_do_not_grow_with_cases(alice, bob, rita, rita_client):
    url = reverse("review_queue")
    make_cases(alice, 3)
    claimed(make_case(bob, events(2), name="claimed"), rita)
    filters = ({}, {"status": "all"}, {"type": "pvc"}, {"severity": 3}, {"mine": 1}, {"q": "ho"})
    few = [queries(rita_client, url, **f) for f in filters]
    make_cases(bob, 30, start=3)
    assert [queries(rita_client, url, **f) for f in filters] == few


def test_queue_says_how_many_cases_it_leaves_out(alice, rita_client, monkeypatch):
    make_cases(alice, 3)
    page = rita_client.get(reverse("review_queue")).text
    assert page.count('<tr class="case"') == 3 and "narrow the filters" not in page
    monkeypatch.setattr(review_views, "QUEUE_SHOWN", 2)
    page = rita_client.get(reverse("review_queue")).text
    assert page.count('<tr class="case"') == 2
    assert "The first 2 of 3 cases; narrow the filters" in page


def test_queue_reads_events_per_case_not_through_a_join(alice):
    """Grouping every case's joined events made PostgreSQL sort (and JIT-compile) far more than
    the page shows: 0.5 to 2 s for 1,500 cases with 260,000 events."""
    make_cases(alice, 2)
    for filters in ({}, {"event_types": ["pvc", "vf"]}, {"min_severity": 3}):
        query = review.queue(**filters).query
        assert 'JOIN "analysis_event"' not in str(query) and query.group_by is None


def test_queue_indexes_exist(db):
    """The queue's per-case subqueries read these (``Event.Meta.indexes``)."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "analysis_event")
    indexes = [c["columns"] for c in found.values() if c["index"]]
    assert ["analysis_id", "severity"] in indexes
    assert ["type", "analysis_id"] in indexes


def test_postgresql_does_not_jit_compile_the_queue(db):
    """JIT compiling the queue's query cost 440 ms where running it took 90 (settings.py)."""
    if connection.vendor != "postgresql":
        assert "options" not in connection.settings_dict["OPTIONS"]
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_queue_counts_and_orders_at_scale(alice, bob):
    vf = make_case(alice, [*events(5), ("vf", 100, 130, 3)], name="flutter")
    major = make_case(alice, [*events(40), ("pause", 1, 4, 3)], name="major")
    minor = make_case(bob, events(7), name="minor")
    empty = make_case(bob, [], name="empty")  # no events: no severity, after the minor case
    assert list(review.queue()) == [vf, major, minor, empty]
    shown = {c.pk: (c.max_severity, c.n_events, c.urgent) for c in review.queue()}
    assert shown == {
        vf.pk: (3, 6, True),
        major.pk: (3, 41, False),
        minor.pk: (1, 7, False),
        empty.pk: (None, 0, False),
    }
    # A type filter keeps each case's own most severe event and event count.
    pvc = {c.pk: (c.max_severity, c.n_events) for c in review.queue(event_types=["pvc"])}
    assert pvc == {vf.pk: (3, 6), major.pk: (3, 41), minor.pk: (1, 7)}
    assert list(review.queue(min_severity=3)) == [vf, major]
    assert review.queue(status="all").count() == 4


def test_case_page_work_does_not_grow_with_events(alice, rita, rita_client, monkeypatch):
    """Decisions are counted in the database, and the audit trail shows the latest entries."""
    monkeypatch.setattr(review_views, "AUDIT_SHOWN", 20)
    work = []
    for n in (220, 500):  # page 2 is full in both
        case = claimed(make_case(alice, events(n), name=f"long-{n}"), rita)
        decide_all(case, rita)
        url = reverse("review_case", args=[case.pk])
        with rows_read() as rows:
            n_queries = [
                queries(rita_client, url, **f) for f in ({}, {"undecided": 1}, {"page": 2})
            ]
        work.append((n_queries, rows[0]))
    (few_queries, few_rows), (many_queries, many_rows) = work
    assert few_queries == many_queries
    assert many_rows - few_rows < 10, work


def test_case_page_shows_the_latest_audit_entries(alice, rita, rita_client, monkeypatch):
    monkeypatch.setattr(review_views, "AUDIT_SHOWN", 5)
    case = claimed(make_case(alice, events(8)), rita)
    decide_all(case, rita)  # 8 entries
    last = case.audit.order_by("-created", "-id")[0].details["event"]
    url = reverse("review_case", args=[case.pk])
    page = rita_client.get(url).text
    trail = page.split('id="audit-trail"')[1]
    assert trail.count("<code>") == 5 and "The latest 5 of 8 entries" in trail
    assert f"{{&#x27;event&#x27;: {last}}}" in trail  # the newest one is shown
    full = rita_client.get(url, {"audit": "all"}).text.split('id="audit-trail"')[1]
    assert full.count("<code>") == 8 and "Show all" not in full
    # The link keeps the event list's filters and page.
    filtered = rita_client.get(url, {"type": "pvc", "page": 1}).text
    assert 'href="?type=pvc&amp;page=1&amp;audit=all#audit-trail"' in filtered
    # ... and the event list's filters, pages and decisions keep showing the whole trail.
    monkeypatch.setattr(event_list, "PER_PAGE", 3)
    whole = rita_client.get(url, {"audit": "all"}).text
    assert '<input type="hidden" name="audit" value="all">' in whole
    assert 'href="?page=2&amp;audit=all#events"' in whole
    assert review_views.case_url(case, "type=pvc&audit=all&x=1").endswith("?type=pvc&audit=all")
