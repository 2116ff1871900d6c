"""Benchmark: the review queue and case pages (and their API) at a clinic's size.

Makes, once, ``--cases`` flagged analyses of a benchmark owner with a heavy-tailed number of
events each (a few 24-hour Holters with thousands, most with tens to hundreds), in the configured
database, then times the requests a reviewer makes, through the whole Django stack in this
process. Use a throwaway database:

    createdb -h 127.0.0.1 -U postgres beatline_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beatline_bench BEATLINE_VAR_DIR=/tmp/benchvar \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=... BEATLINE_VAR_DIR=/tmp/benchvar .venv/bin/python manage.py benchmark_review
"""

from __future__ import annotations

import time

import numpy as np
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from analysis import review
from analysis.management.arguments import positive_int
from analysis.management.commands.benchmark_pages import time_get, timings
from analysis.models import Analysis, Event, ReviewCase
from mlcore.findings import EVENT_TYPES
from recordings.models import Recording

OWNER = "bench-review-owner"
REVIEWER = "bench-reviewer"
TYPES = list(EVENT_TYPES)


def build(n_cases: int, seed: int) -> tuple[int, int]:
    """The benchmark owner's cases and events; answers (cases, events)."""
    rng = np.random.default_rng(seed)
    owner = User.objects.create_user(OWNER)
    # Mostly tens to hundreds of events, a few Holters with thousands (lognormal, mean ~175).
    counts = np.minimum(rng.lognormal(4.4, 1.2, n_cases).astype(int) + 1, 5000)
    with transaction.atomic():
        recordings = Recording.objects.bulk_create(
            Recording(
                owner=owner,
                name=f"holter-{i}",
                format="csv",
                main_file=f"holter-{i}.csv",
                sampling_rate=250.0,
                n_samples=250 * 86400,
                duration_s=86400.0,
            )
            for i in range(n_cases)
        )
        analyses = Analysis.objects.bulk_create(
            Analysis(recording=r, status=Analysis.Status.SUCCEEDED, flagged=True, progress=100)
            for r in recordings
        )
        for analysis, n in zip(analyses, counts, strict=True):
            types = rng.choice(TYPES, n)
            starts = np.sort(rng.uniform(0, 86000, n))
            Event.objects.bulk_create(
                Event(
                    analysis=analysis,
                    type=t,
                    start_s=float(s),
                    end_s=float(s) + 1.0,
                    severity=int(sev),
                    score=1.0,
                    beats=1,
                )
                for t, s, sev in zip(types, starts, rng.integers(1, 4, n), strict=True)
            )
        statuses = rng.choice(list(ReviewCase.Status), n_cases, p=[0.6, 0.1, 0.3])
        ReviewCase.objects.bulk_create(
            ReviewCase(analysis=a, status=s) for a, s in zip(analyses, statuses, strict=True)
        )
    return n_cases, int(counts.sum())


def reviewer() -> User:
    user, _ = User.objects.get_or_create(username=REVIEWER)
    user.groups.add(Group.objects.get_or_create(name=review.REVIEWERS_GROUP)[0])
    return user


def requests_for(largest: ReviewCase) -> list[tuple[str, str, dict]]:
    queue, api = reverse("review_queue"), reverse("api_review_cases")
    return [
        ("queue page (open cases)", queue, {}),
        ("queue page, status=all", queue, {"status": "all"}),
        ("queue page, severity=3", queue, {"severity": 3}),
        ("queue page, type=vf", queue, {"type": "vf"}),
        ("queue page, q=holter-12", queue, {"q": "holter-12"}),
        ("API review/cases/ (open)", api, {}),
        ("API review/cases/?status=all", api, {"status": "all"}),
        ("API review/cases/?min_severity=3&type=vf", api, {"min_severity": 3, "type": "vf"}),
        ("case page (largest case)", reverse("review_case", args=[largest.pk]), {}),
        ("API case (largest case)", reverse("api_review_case", args=[largest.pk]), {}),
    ]


class Command(BaseCommand):
    help = "Time the review queue, a case and their API on many cases (median, p95, max)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=positive_int, default=1500)
        parser.add_argument("--repeat", type=positive_int, default=20)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--fresh", action="store_true", help="delete and remake the cases")

    def handle(self, *args, cases: int, repeat: int, seed: int, fresh: bool, **options) -> None:
        if fresh:
            User.objects.filter(username=OWNER).delete()  # and, with it, its recordings and cases
        if not User.objects.filter(username=OWNER).exists():
            began = time.perf_counter()
            made, events = build(cases, seed)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # the planner's statistics, as a live database has
            self.stdout.write(
                f"made {made} cases, {events} events in {time.perf_counter() - began:.0f} s"
            )
        mine = ReviewCase.objects.filter(analysis__recording__owner__username=OWNER)
        largest = mine.annotate(n=Count("analysis__events")).order_by("-n").first()
        self.stdout.write(
            f"{mine.count()} cases, {Event.objects.filter(analysis__review__in=mine).count()} "
            f"events (largest case {largest.n}); {repeat} runs each after one warm-up"
        )
        user = reviewer()
        page_client = Client()
        page_client.force_login(user)
        token, _ = Token.objects.get_or_create(user=user)
        api_client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        self.stdout.write(f"{'request':44} {'status':>6} {'median':>8} {'p95':>8} {'max':>8}")
        for label, url, params in requests_for(largest):
            client = api_client if label.startswith("API") else page_client
            status, times, _ = time_get(client, url, params, repeat)
            self.stdout.write(f"{label:44} {timings(status, times)}")
