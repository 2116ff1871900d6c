"""Per-event decisions, conclusion and closing; every change writes an audit row that cannot change."""

import json

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from analysis import review
from analysis.models import Analysis, AuditEntry, EventReview
from mlcore.findings import EVENT_TYPES
from tests.platform.review_helpers import make_case, make_reviewer

EVENTS = [("pvc", 10.0, 10.0, 1), ("v_run", 20.0, 22.0, 3), ("pause", 30.0, 33.0, 3)]


@pytest.fixture
def case(alice):
    return make_case(alice, EVENTS)


def decide(client, case, event, **data):
    return client.post(
        reverse("review_decide", args=[case.pk, event.pk]), data, HTTP_ACCEPT="application/json"
    )


def test_every_decision_writes_an_audit_row(case, rita, rita_client):
    pvc, run, pause = case.analysis.events.all()
    assert decide(rita_client, case, pvc, decision="confirm").status_code == 400  # not claimed
    assert review.claim(case.pk, rita)

    answer = decide(rita_client, case, pvc, decision="confirm")
    assert answer.status_code == 200 and answer.json()["event"]["decision"] == "confirm"
    decide(rita_client, case, run, decision="relabel", new_class="s", note="aberrant SVT")
    decide(rita_client, case, pause, decision="reject")
    decide(rita_client, case, pvc, decision="relabel", new_type="pac")  # changing one's mind

    rows = {r.event_id: r for r in EventReview.objects.filter(case=case)}
    assert (rows[run.pk].decision, rows[run.pk].new_class) == ("relabel", "S")
    assert (rows[pvc.pk].decision, rows[pvc.pk].new_type) == ("relabel", "pac")
    assert rows[pause.pk].decision == "reject"
    audit = list(case.audit.all())
    assert [a.action for a in audit] == ["claim", "decide", "decide", "decide", "decide"]
    assert all(a.actor == rita for a in audit)
    assert audit[2].details["new_class"] == "S" and audit[2].details["note"] == "aberrant SVT"
    assert audit[4].details["previous"] == {"decision": "confirm", "new_type": "", "new_class": ""}

    page = rita_client.get(reverse("review_case", args=[case.pk])).text
    assert "aberrant SVT" in page and "→ class S" in page  # the audit trail and the decision
    assert f"→ {EVENT_TYPES['pac']}" in page  # the new type by its name, not its key


@pytest.mark.parametrize(
    "data, message",
    [
        ({"decision": "maybe"}, "Unknown decision"),
        ({"decision": "relabel"}, "needs a new event type or a new beat class"),
        ({"decision": "relabel", "new_class": "Z"}, "Unknown beat class"),
        ({"decision": "relabel", "new_type": "flutter"}, "Unknown event type"),
    ],
)
def test_bad_decisions_are_refused_with_a_message(case, rita, rita_client, data, message):
    review.claim(case.pk, rita)
    answer = decide(rita_client, case, case.analysis.events.first(), **data)
    assert answer.status_code == 400 and message in answer.json()["error"]
    assert not EventReview.objects.exists()
    assert list(case.audit.values_list("action", flat=True)) == ["claim"]


def test_only_the_claimer_decides_and_events_of_other_analyses_are_404(case, alice, rita):
    review.claim(case.pk, rita)
    sam = Client()
    sam.force_login(make_reviewer("sam"))
    answer = decide(sam, case, case.analysis.events.first(), decision="confirm")
    assert answer.status_code == 400 and "claimed by rita" in answer.json()["error"]
    other = make_case(alice, name="other").analysis.events.first()
    rita_client = Client()
    rita_client.force_login(rita)
    assert decide(rita_client, case, other, decision="confirm").status_code == 404


def test_closing_needs_a_conclusion_then_notifies_the_owner(
    case, rita, rita_client, alice_client, mailoutbox, django_capture_on_commit_callbacks
):
    review.claim(case.pk, rita)
    decide(rita_client, case, case.analysis.events.first(), decision="relabel", new_class="N")
    url = reverse("review_conclude", args=[case.pk])
    page = rita_client.post(url, {"conclusion": "  ", "close": "1"}, follow=True).text
    assert "Write a conclusion" in page
    rita_client.post(url, {"conclusion": "Draft", "notes": "check lead II"})
    with django_capture_on_commit_callbacks(execute=True):
        response = rita_client.post(
            url,
            {
                "conclusion": "Benign ectopy; no action.",
                "notes": "check lead II",
                "close": "1",
                "close_undecided": "1",  # two of the three events are left undecided
            },
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at and case.conclusion.startswith("Benign")
    actions = list(case.audit.values_list("action", flat=True))
    assert actions == ["claim", "decide", "notes", "close"]
    close = case.audit.get(action="close")
    assert close.details["decisions"] == {"relabel": 1}
    assert close.details["conclusion"] == "Benign ectopy; no action."

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.org"] and "Benign ectopy; no action." in mail.body
    assert f"/analyses/{case.analysis_id}/report/" in mail.body

    # Closed means final: no more decisions or notes.
    answer = decide(rita_client, case, case.analysis.events.first(), decision="confirm")
    assert answer.status_code == 400 and "closed" in answer.json()["error"]
    assert case.audit.count() == 4


def test_owner_summary_shows_the_reviewed_status_and_conclusion(case, rita):
    from django.template.loader import render_to_string

    def summary():
        analysis = Analysis.objects.get(pk=case.analysis_id)
        return render_to_string("review/owner_summary.html", {"analysis": analysis})

    review.claim(case.pk, rita)
    html = summary()
    assert "in review" in html and "Benign" not in html
    review.close(case, rita, "Benign ectopy.", with_undecided=True)
    html = summary()
    assert "Reviewed</strong> by rita" in html and "Benign ectopy." in html
    assert "0 confirmed, 0 relabelled, 0 rejected" in html


def test_audit_entries_cannot_be_changed_here_or_in_the_admin(case, rita):
    review.claim(case.pk, rita)
    entry = AuditEntry.objects.get()
    entry.action = "forged"
    with pytest.raises(review.ReviewError):
        entry.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")  # the database refuses
    assert AuditEntry.objects.get().action == "claim"

    admin = User.objects.create_superuser("root", "root@example.org", "root-pass-1")
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:analysis_auditentry_changelist")).status_code == 200
    change = reverse("admin:analysis_auditentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="action"' not in page.text  # read-only view
    assert client.post(change, {"action": "forged"}).status_code == 403
    assert client.get(reverse("admin:analysis_auditentry_add")).status_code == 403
    delete = reverse("admin:analysis_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get().action == "claim"
    for name in ("reviewcase", "eventreview"):
        listing = client.get(reverse(f"admin:analysis_{name}_changelist"), {"q": "holter"})
        assert listing.status_code == 200


def test_deleting_the_recording_deletes_its_review_history(case, rita):
    review.claim(case.pk, rita)
    case.analysis.recording.delete()
    assert not AuditEntry.objects.exists() and not Analysis.objects.exists()


def test_case_events_json_carries_the_decisions(case, rita, rita_client):
    review.claim(case.pk, rita)
    event = case.analysis.events.first()
    decide(rita_client, case, event, decision="reject")
    data = json.loads(rita_client.get(reverse("review_events", args=[case.pk])).content)
    first = data["events"][0]
    assert first["id"] == event.pk and first["decision"] == "reject" and first["reviewer"] == "rita"


def test_the_plain_form_works_without_javascript(case, rita, rita_client):
    review.claim(case.pk, rita)
    event = case.analysis.events.last()
    url = reverse("review_decide", args=[case.pk, event.pk])
    response = rita_client.post(url, {"decision": "relabel", "new_type": "tachycardia"})
    assert response.status_code == 302 and response["Location"].endswith(f"#event-{event.pk}")
    assert EventReview.objects.get(event=event).new_type == "tachycardia"
    page = rita_client.post(url, {"decision": "relabel"}, follow=True).text
    assert "needs a new event type or a new beat class" in page


def test_case_page_filters_events_by_type_and_pages_the_list(case, rita_client, monkeypatch):
    from analysis import event_list

    url = reverse("review_case", args=[case.pk])
    page = rita_client.get(url, {"type": "pause"}).text
    assert page.count('class="event"') == 1 and "Pause" in page
    monkeypatch.setattr(event_list, "PER_PAGE", 2)
    page = rita_client.get(url).text
    assert page.count('class="event"') == 2 and "Events 1–2 of 3" in page
    assert rita_client.get(url, {"page": 2}).text.count('class="event"') == 1
    assert rita_client.get(url, {"type": "nonsense"}).status_code == 200
