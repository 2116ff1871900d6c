"""Users, logged-in clients and upload files shared by the platform tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from recordings.models import Recording
from tests.platform.helpers import make_csv, upload_file
from tests.platform.review_helpers import make_reviewer


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counters live in the cache; every test starts with a full budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", "alice@example.org", "correct-horse-1")


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", "bob@example.org", "battery-staple-2")


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def rita(db) -> User:
    """A member of the Reviewers group."""
    return make_reviewer("rita")


@pytest.fixture
def rita_client(rita) -> Client:
    client = Client()
    client.force_login(rita)
    return client


@pytest.fixture
def record_100(mitdb) -> list[SimpleUploadedFile]:
    """MIT-BIH record 100 as a user uploads it: header, signal and annotations."""
    return [upload_file(mitdb / f"100.{ext}") for ext in ("hea", "dat", "atr")]


@pytest.fixture
def ecg_csv(tmp_path) -> Path:
    return make_csv(tmp_path / "holter.csv")


@pytest.fixture
def holter_hour(alice) -> Recording:
    """An hour-long CSV recording of Alice's, its row alone (no files): for what needs only its
    facts, such as the questionnaire."""
    return Recording.objects.create(
        owner=alice,
        name="holter",
        format="csv",
        main_file="holter.csv",
        sampling_rate=250.0,
        lead_names=["I"],
        n_samples=250 * 3600,
        duration_s=3600.0,
    )
