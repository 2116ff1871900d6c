"""A case's events over the API a page at a time, with the case page's filters: type, severity and
the events no one has decided yet."""

from __future__ import annotations

from analysis import review
from analysis.models import Event
from tests.api.helpers import API, assert_error, token_client
from tests.platform.review_helpers import make_case, make_reviewer
from tests.platform.test_review_scale import claimed


def test_a_cases_events_come_paged_and_filtered(alice, api_alice):
    rita = make_reviewer("rita")
    api = token_client(rita)
    pvcs = [("pvc", 10.0 + i, 10.5 + i, 1) for i in range(120)]
    case = claimed(make_case(alice, [*pvcs, ("pause", 5, 8, 3), ("v_run", 200, 203, 2)]), rita)
    url = f"{API}/review/cases/{case.pk}/events/"

    first = api.get(url).json()
    assert first["count"] == 122 and len(first["results"]) == 50
    assert [e["start_s"] for e in first["results"][:2]] == [5.0, 10.0]  # by time
    last = api.get(url, {"page": "last"}).json()["results"]
    assert last[-1]["type"] == "v_run"

    pause = Event.objects.get(analysis=case.analysis, type="pause")
    first_pvc = Event.objects.filter(analysis=case.analysis, type="pvc").first()
    review.decide(case, first_pvc, rita, "relabel", new_type="pac", note="P wave seen")
    review.decide(case, pause, rita, "confirm")
    decided = api.get(url, {"type": "pvc", "page_size": 1}).json()["results"][0]
    assert (decided["id"], decided["decision"], decided["new_type"], decided["reviewer"]) == (
        first_pvc.pk,
        "relabel",
        "pac",
        "rita",
    )
    undecided = api.get(url, {"undecided": "true", "page_size": 500}).json()
    assert undecided["count"] == 120 and first_pvc.pk not in [e["id"] for e in undecided["results"]]
    assert {e["decision"] for e in undecided["results"]} == {""}
    severe = api.get(url, {"min_severity": 2}).json()["results"]
    assert [e["type"] for e in severe] == ["pause", "v_run"]
    assert api.get(url, {"type": ["pause", "v_run"]}).json()["count"] == 2

    assert (
        "undecided" in assert_error(api.get(url, {"undecided": "maybe"}), 400, "invalid")["details"]
    )
    assert_error(api_alice.get(url), 403, "permission_denied")  # the owner is no reviewer
    assert_error(api.get(f"{API}/review/cases/999999/events/"), 404, "not_found")
