"""A reviewer saves a draft conclusion and notes over the API, as the case page's Save does, and
reads the case's audit trail."""

from __future__ import annotations

from analysis import review
from analysis.models import AuditEntry
from tests.api.helpers import API, assert_error, token_client
from tests.platform.review_helpers import make_case, make_reviewer
from tests.platform.test_review_scale import claimed


def test_notes_are_saved_without_closing_and_audited(alice):
    rita, sam = make_reviewer("rita"), make_reviewer("sam")
    case = claimed(make_case(alice), rita)
    api = token_client(rita)
    url = f"{API}/review/cases/{case.pk}/"

    saved = api.patch(url, {"conclusion": "Sinus rhythm, one PVC.", "notes": "ask"}, format="json")
    assert saved.status_code == 200, saved.content
    assert (saved.json()["conclusion"], saved.json()["status"]) == (
        "Sinus rhythm, one PVC.",
        "in_review",
    )
    kept = api.patch(url, {"notes": "asked the GP"}, format="json").json()  # one field at a time
    assert (kept["conclusion"], kept["notes"]) == ("Sinus rhythm, one PVC.", "asked the GP")

    other = token_client(sam).patch(url, {"notes": "mine now"}, format="json")
    assert_error(other, 409, "review_conflict")  # claimed by rita
    too_long = api.patch(url, {"notes": "x" * 10001}, format="json")
    assert "notes" in assert_error(too_long, 400, "invalid")["details"]

    trail = api.get(f"{url}audit/").json()
    assert [(e["actor"], e["action"]) for e in trail["results"]] == [
        ("rita", "notes"),
        ("rita", "notes"),
    ]
    assert trail["results"][1]["details"] == {"notes": "asked the GP"}
    assert trail["count"] == AuditEntry.objects.filter(case=case).count()


def test_the_audit_trail_is_for_reviewers_only(alice, api_alice):
    rita = make_reviewer("rita")
    case = make_case(alice)
    review.claim(case.pk, rita)
    assert_error(api_alice.get(f"{API}/review/cases/{case.pk}/audit/"), 403, "permission_denied")
    audit = token_client(rita).get(f"{API}/review/cases/{case.pk}/audit/").json()["results"]
    assert [e["action"] for e in audit] == ["claim"]


def test_closing_without_notes_keeps_the_drafts_notes(alice):
    rita = make_reviewer("rita")
    case = claimed(make_case(alice), rita)
    api = token_client(rita)
    url = f"{API}/review/cases/{case.pk}/"
    api.patch(url, {"notes": "internal: ask the GP"}, format="json")
    body = {"conclusion": "Sinus rhythm.", "with_undecided": True}
    closed = api.post(f"{url}close/", body, format="json")
    assert closed.status_code == 200, closed.content
    assert (closed.json()["status"], closed.json()["notes"]) == ("closed", "internal: ask the GP")
    close_entry = AuditEntry.objects.filter(case=case, action="close").get()
    assert "notes" not in close_entry.details  # unchanged, so not in the close entry


def test_notes_of_an_unclaimed_case_say_to_claim_it(alice):
    rita = make_reviewer("rita")
    case = make_case(alice)
    answer = token_client(rita).patch(
        f"{API}/review/cases/{case.pk}/", {"notes": "x"}, format="json"
    )
    message = assert_error(answer, 409, "review_conflict")["message"]
    assert message == "Claim this case first: only the reviewer who claimed it can change it."
