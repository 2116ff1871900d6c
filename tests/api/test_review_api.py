"""Review actions over the API: reviewers claim, decide, close; everyone else gets 403."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from analysis.models import AuditEntry, Event, ReviewCase
from analysis.review import REVIEWERS_GROUP
from mlcore.findings import EVENT_TYPES
from tests.api.helpers import API, assert_error, token_client


@pytest.fixture
def case(alices_objects) -> ReviewCase:
    Event.objects.create(
        analysis=alices_objects.analysis,
        type="pause",
        start_s=30,
        end_s=33.5,
        severity=3,
        score=3.5,
    )
    return ReviewCase.objects.create(analysis=alices_objects.analysis)


def reviewer(name: str):
    user = User.objects.create_user(name, f"{name}@example.org", "x-long-password-1")
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return token_client(user)


def test_claim_decide_close(case, api_alice, django_capture_on_commit_callbacks):
    carol, dave = reviewer("carol"), reviewer("dave")
    queue = carol.get(f"{API}/review/cases/").json()
    assert [c["id"] for c in queue["results"]] == [case.pk]
    assert queue["results"][0]["owner"] == "alice"
    url = f"{API}/review/cases/{case.pk}"
    claimed = carol.post(f"{url}/claim/")
    assert claimed.json()["status"] == "in_review" and claimed.json()["claimed_by"] == "carol"
    assert_error(dave.post(f"{url}/claim/"), 409, "review_conflict")  # carol was first
    assert carol.get(f"{API}/review/cases/", {"mine": True}).json()["count"] == 1
    assert dave.get(f"{API}/review/cases/", {"mine": True}).json()["count"] == 0

    event = case.analysis.events.get(type="pause")
    decide = f"{url}/events/{event.pk}/decision/"
    assert_error(dave.post(decide, {"decision": "confirm"}, format="json"), 409, "review_conflict")
    relabel = carol.post(decide, {"decision": "relabel", "new_type": "bradycardia"}, format="json")
    assert relabel.status_code == 200, relabel.content
    assert relabel.json()["decision"] == "relabel" and relabel.json()["reviewer"] == "carol"
    bare = carol.post(decide, {"decision": "relabel"}, format="json")
    assert "new event type" in assert_error(bare, 400, "invalid")["message"]
    assert_error(carol.post(decide, {"decision": "maybe"}, format="json"), 400, "invalid")
    assert_error(
        carol.post(f"{url}/events/999999/decision/", {"decision": "confirm"}), 404, "not_found"
    )
    detail = carol.get(f"{url}/").json()
    assert next(e for e in detail["events"] if e["id"] == event.pk)["new_type"] == "bradycardia"

    assert_error(carol.post(f"{url}/close/", {}, format="json"), 400, "invalid")
    undecided = carol.post(f"{url}/close/", {"conclusion": "A real pause."}, format="json")
    assert "still undecided" in assert_error(undecided, 409, "review_conflict")["message"]
    with django_capture_on_commit_callbacks(execute=True):
        closed = carol.post(
            f"{url}/close/",
            {"conclusion": "A real pause.", "with_undecided": True},
            format="json",
        )
    assert closed.json()["status"] == "closed" and closed.json()["conclusion"] == "A real pause."
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.org"]
    assert_error(carol.post(f"{url}/release/"), 409, "review_conflict")
    assert_error(carol.post(f"{url}/claim/"), 409, "review_conflict")  # closed, even for carol
    assert (
        carol.post(f"{url}/claim/").json()["error"]["message"]
        == "This case is already closed (reviewed by carol)."
    )
    actions = list(AuditEntry.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["claim", "decide", "close"]
    owner_view = api_alice.get(f"{API}/analyses/{case.analysis_id}/").json()["review"]
    assert owner_view["status"] == "closed" and owner_view["conclusion"] == "A real pause."


def test_owner_sees_no_conclusion_before_the_review_closes(case, api_alice):
    case.conclusion = "draft"
    case.save()
    owner_view = api_alice.get(f"{API}/analyses/{case.analysis_id}/").json()["review"]
    assert owner_view == {"status": "pending", "closed_at": None, "conclusion": ""}


def test_release_puts_the_case_back(case):
    carol = reviewer("carol")
    url = f"{API}/review/cases/{case.pk}"
    carol.post(f"{url}/claim/")
    released = carol.post(f"{url}/release/")
    assert released.json()["status"] == "pending" and released.json()["claimed_by"] is None


def test_non_reviewers_get_403_everywhere(case, api_alice, api_bob):
    event = case.analysis.events.first()
    url = f"{API}/review/cases/{case.pk}"
    for client in (api_alice, api_bob):  # the owner is no reviewer either
        for method, path in [
            ("get", f"{API}/review/cases/"),
            ("get", f"{url}/"),
            ("post", f"{url}/claim/"),
            ("post", f"{url}/release/"),
            ("post", f"{url}/events/{event.pk}/decision/"),
            ("post", f"{url}/close/"),
        ]:
            assert_error(getattr(client, method)(path), 403, "permission_denied")
    assert ReviewCase.objects.get().status == "pending"
    assert not AuditEntry.objects.exists()


def test_the_queue_filters_by_several_types(case):
    carol = reviewer("carol")
    queue = f"{API}/review/cases/"
    present = set(case.analysis.events.values_list("type", flat=True))
    absent = sorted(set(EVENT_TYPES) - present)[:2]
    assert carol.get(queue, {"type": [*absent, "pause"]}).json()["count"] == 1  # it has a pause
    assert carol.get(queue, {"type": absent}).json()["count"] == 0
    assert_error(carol.get(queue, {"type": ["pause", "flutter"]}), 400, "invalid")
