"""A recording's name is one line: it goes into titles, file names and email subjects."""

import smtplib

from django.urls import reverse

from analysis import review
from recordings.ingest import plain_name
from recordings.models import Recording
from tests.platform.helpers import upload_file
from tests.platform.review_helpers import make_case, make_reviewer


def test_line_breaks_and_control_characters_become_spaces(alice_client, ecg_csv):
    name = "holter\r\nBcc: evil@example.com\t \u202etxt.exe"
    response = alice_client.post(
        reverse("upload"),
        {"files": [upload_file(ecg_csv)], "sampling_rate": "250", "name": name},
    )
    assert response.status_code == 302
    assert Recording.objects.get().name == "holter Bcc: evil@example.com txt.exe"
    assert plain_name("\r\n\t") == ""  # nothing left: the file's name is used instead


def close(case, reviewer, capture):
    review.claim(case.pk, reviewer)
    with capture(execute=True):
        review.close(case, reviewer, "Benign ectopy.", "", with_undecided=True)


def test_closing_a_case_mails_the_owner_even_for_a_name_stored_with_line_breaks(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    case = make_case(alice, name="hdr\r\nBcc: evil@example.com")  # stored before names were cleaned
    close(case, make_reviewer("rita"), django_capture_on_commit_callbacks)
    [mail] = mailoutbox
    assert mail.subject == "Review closed: hdr Bcc: evil@example.com" and mail.bcc == []


def test_a_mail_server_failure_leaves_the_case_closed(
    alice, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection closed")

    monkeypatch.setattr(review, "send_mail", refuse)
    case = make_case(alice)
    close(case, make_reviewer("rita"), django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == "closed"
    assert f"could not email the owner of review case {case.pk}" in caplog.text
