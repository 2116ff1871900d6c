"""Deleting one's account: the password confirms it; every recording, file, analysis, token and
webhook goes; other people's audit trails keep a reviewer's account."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.authtoken.models import Token

from analysis import review
from analysis.models import Analysis, AuditEntry, Webhook
from ecgsite.accounts import LOGIN_FAILURES
from recordings.models import Recording
from tests.platform.helpers import run_analysis_inline, upload_file
from tests.platform.review_helpers import make_case


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_the_account_goes_with_all_its_data(
    alice_client, alice, bob, ecg_csv, media_root, django_capture_on_commit_callbacks
):
    alice_client.post(reverse("upload"), {"files": upload_file(ecg_csv), "sampling_rate": "250"})
    recording = Recording.objects.get(owner=alice)
    run_analysis_inline(recording.analyses.get().pk)
    Token.objects.create(user=alice)
    Webhook.objects.create(owner=alice, url="https://example.org/hook")
    bobs = make_case(bob)  # another user's data stays
    assert stored_files(media_root)
    # A file no row names (a recording uploaded while the deletion ran) goes with the folder.
    stray = media_root / "recordings" / str(alice.pk) / "uploading" / "x.csv"
    stray.parent.mkdir(parents=True)
    stray.write_text("0.1\n")

    page = alice_client.get(reverse("account_delete"))
    assert page.status_code == 200 and "1 recording and 1 analysis" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("account_delete"), {"password": "correct-horse-1"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not User.objects.filter(username="alice").exists()
    assert not Recording.objects.filter(owner_id=alice.pk).exists()
    assert not Analysis.objects.filter(recording__owner_id=alice.pk).exists()
    assert not Token.objects.filter(user_id=alice.pk).exists()
    assert not Webhook.objects.filter(owner_id=alice.pk).exists()
    assert stored_files(media_root) == []
    assert Recording.objects.filter(pk=bobs.analysis.recording_id).exists()
    # Logged out, with the confirmation on the log-in page.
    after = alice_client.get(reverse("login"))
    assert "Your account was deleted, with 1 recording and 1 analysis." in after.text
    assert alice_client.get(reverse("dashboard")).status_code == 302


def test_a_wrong_password_deletes_nothing(alice_client, alice):
    response = alice_client.post(reverse("account_delete"), {"password": "wrong"})
    assert response.status_code == 400 and "That is not your password." in response.text
    assert User.objects.filter(pk=alice.pk).exists()


def test_wrong_passwords_lock_the_deletion_like_log_ins(alice_client, alice):
    for _ in range(LOGIN_FAILURES):
        alice_client.post(reverse("account_delete"), {"password": "wrong"})
    refused = alice_client.post(reverse("account_delete"), {"password": "correct-horse-1"})
    assert refused.status_code == 400 and "Too many wrong passwords" in refused.text
    assert User.objects.filter(pk=alice.pk).exists()


def test_reviews_of_others_recordings_keep_the_account(rita_client, rita, alice):
    rita.set_password("reviewer-pass-3")
    rita.save()
    rita_client.force_login(rita)
    case = make_case(alice)
    assert review.claim(case.pk, rita)

    page = rita_client.get(reverse("account_delete"))
    assert "part of their audit trails" in page.text and 'name="password"' not in page.text
    refused = rita_client.post(reverse("account_delete"), {"password": "reviewer-pass-3"})
    assert refused.status_code == 409
    assert User.objects.filter(pk=rita.pk).exists()
    assert AuditEntry.objects.filter(case=case, actor=rita).exists()


def test_reviews_of_ones_own_recordings_go_with_them(rita_client, rita):
    rita.set_password("reviewer-pass-3")
    rita.save()
    rita_client.force_login(rita)
    case = make_case(rita)
    assert review.claim(case.pk, rita)
    response = rita_client.post(reverse("account_delete"), {"password": "reviewer-pass-3"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=rita.pk).exists()
    assert not AuditEntry.objects.filter(actor_id=rita.pk).exists()


def test_the_account_page_links_to_the_deletion(alice_client):
    assert reverse("account_delete") in alice_client.get(reverse("account")).text


def test_deleting_a_user_in_the_admin_leaves_no_file_either(
    client, alice_client, alice, ecg_csv, media_root, django_capture_on_commit_callbacks
):
    alice_client.post(reverse("upload"), {"files": upload_file(ecg_csv), "sampling_rate": "250"})
    run_analysis_inline(Recording.objects.get(owner=alice).analyses.get().pk)
    assert stored_files(media_root)
    client.force_login(User.objects.create_superuser("root", "root@example.org", None))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:auth_user_delete", args=[alice.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert stored_files(media_root) == []
    assert not any(p.name == str(alice.pk) for p in media_root.rglob("*"))  # nor her folders
