"""A new case with a possible ventricular flutter/fibrillation emails the reviewers at once; other
cases wait in the queue without mail."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from analysis import review
from tests.platform.review_helpers import make_case, make_reviewer


def reviewers_with_mail() -> tuple[User, User]:
    """Rita (a reviewer) and Sam (staff), with addresses, and a reviewer without one."""
    rita, sam = make_reviewer("rita"), make_reviewer("sam", staff=True)
    User.objects.filter(pk=make_reviewer("nomail").pk).update(email="")
    return rita, sam


def test_a_vf_case_alerts_every_reviewer_once(alice, bob, django_capture_on_commit_callbacks):
    rita, sam = reviewers_with_mail()
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(alice, [("vf", 754.2, 760.0, 3), ("pvc", 10, 10, 1)], name="holter 7")
    (message,) = mail.outbox
    assert sorted(message.bcc) == [rita.email, sam.email] and message.to == []
    assert message.subject == "Urgent review: possible VF in holter 7"
    assert "1 possible ventricular flutter/fibrillation event(s) (at 0:12:34" in message.body
    assert reverse("review_case", args=[case.pk]) in message.body
    assert alice.email not in message.bcc and bob.email not in message.bcc  # not reviewers

    with django_capture_on_commit_callbacks(execute=True):
        review.open_case(case.analysis)  # the same analysis announced again
    assert len(mail.outbox) == 1


def test_other_cases_send_no_mail(alice, django_capture_on_commit_callbacks):
    reviewers_with_mail()
    with django_capture_on_commit_callbacks(execute=True):
        make_case(alice, [("v_run", 100, 104, 3), ("pause", 5, 9, 3)])
    assert mail.outbox == []


def test_no_reviewer_with_an_address_is_no_error(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(alice, [("vf", 1, 5, 3)])
    assert review.alert_reviewers(case.pk) == 0 and mail.outbox == []


def test_more_than_five_events_say_how_many_more(alice, django_capture_on_commit_callbacks):
    reviewers_with_mail()
    events = [("vf", 60.0 * k, 60.0 * k + 5, 3) for k in range(1, 8)]
    with django_capture_on_commit_callbacks(execute=True):
        make_case(alice, events)
    (message,) = mail.outbox
    assert "7 possible ventricular" in message.body
    assert "(at 0:01:00, 0:02:00, 0:03:00, 0:04:00, 0:05:00 into the recording, and 2 more)" in (
        message.body
    )
