"""The review API at a clinic's size: the queue, a case and a decision cost the same however many
cases or events there are."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import API, token_client
from tests.platform.review_helpers import make_case, make_reviewer
from tests.platform.test_review_scale import claimed, decide_all, events, make_cases, rows_read


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_queue_queries_do_not_grow_with_cases(alice, bob):
    rita = make_reviewer("rita")
    api = token_client(rita)
    url = f"{API}/review/cases/"
    claimed(make_case(bob, events(2), name="claimed"), rita)
    make_cases(alice, 3)
    filters = (
        {"page_size": 500},
        {"status": "all", "page_size": 500},
        {"type": ["pvc", "vf"], "page_size": 500},
        {"min_severity": 3, "mine": "true", "q": "ho"},
    )
    few = [queries(api, url, **f) for f in filters]
    make_cases(bob, 30, start=3)
    assert [queries(api, url, **f) for f in filters] == few
    body = api.get(url, {"page_size": 500}).json()
    assert body["count"] == 34 and len(body["results"]) == 34


def test_case_and_decision_work_does_not_grow_with_events(alice):
    rita = make_reviewer("rita")
    api = token_client(rita)
    work = []
    for n in (5, 300):
        case = claimed(make_case(alice, events(n), name=f"long-{n}"), rita)
        decide_all(case, rita)
        event = case.analysis.events.order_by("id")[1]
        url = f"{API}/review/cases/{case.pk}/events/{event.pk}/decision/"
        with rows_read() as rows, CaptureQueriesContext(connection) as ctx:
            answer = api.post(url, {"decision": "reject"}, format="json")
        n_queries = len(ctx.captured_queries)  # read before the next request resets the log
        assert answer.status_code == 200, answer.content
        assert answer.json()["id"] == event.pk and answer.json()["decision"] == "reject"
        detail = f"{API}/review/cases/{case.pk}/"
        assert len(api.get(detail).json()["events"]) == n  # the case itself lists every event
        work.append(((n_queries, queries(api, detail)), rows[0]))
    (few_queries, few_rows), (many_queries, many_rows) = work
    assert few_queries == many_queries
    assert many_rows - few_rows < 5, work
