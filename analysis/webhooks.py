"""Webhooks: when an analysis succeeds or fails, or its review is closed, POST a signed JSON body
to the owner's URLs.

Each (webhook, analysis, event) gets one ``WebhookDelivery``, the visible log. ``attempt`` sends it
once and records the outcome; on failure it answers the back-off before the next try, which the
Celery task in analysis/tasks.py schedules as a countdown, until WEBHOOK_MAX_ATTEMPTS. A try whose
task never reached a worker (broker down or restarted) or whose webhook was paused is sent again by
``resend_overdue``, from recover_analyses. Which URLs and addresses may be called, and the POST
itself, are in analysis/webhook_addresses.py.

The receiver checks ``X-Beatline-Signature: sha256=<hex>``, the HMAC-SHA256 of
``<X-Beatline-Timestamp>.<raw body>`` keyed with the webhook's secret; the timestamp is signed, so
a receiver that rejects old ones cannot be sent a recorded delivery again. For
WEBHOOK_SECRET_GRACE_S after a rotation, ``X-Beatline-Signature-Previous`` is the same signature
with the secret replaced, so a receiver can be given the new secret without missing deliveries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import KombuError

from analysis.models import Analysis, Webhook, WebhookDelivery, new_webhook_secret
from analysis.webhook_addresses import Refused, post
from ecgsite.links import site_url

log = logging.getLogger(__name__)
Status = WebhookDelivery.Status


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


REVIEW_CLOSED = "review.closed"


def payload(analysis: Analysis, event: str) -> dict:
    recording = analysis.recording
    body = {
        "event": event,
        "analysis": {
            "id": analysis.pk,
            "status": analysis.status,
            "error": analysis.error,
            "flagged": analysis.flagged,
            "n_events": analysis.events.count(),
            "finished": analysis.finished.isoformat() if analysis.finished else None,
            "url": site_url("api_analysis", analysis.pk),
        },
        "recording": {"id": recording.pk, "name": recording.name},
    }
    if event == REVIEW_CLOSED:
        case = analysis.review
        body["review"] = {
            "status": case.status,
            "conclusion": case.conclusion,
            "closed_at": case.closed_at.isoformat() if case.closed_at else None,
            "report_url": site_url("api_analysis_report", analysis.pk),
        }
    return body


def on_analysis_finished(sender, analysis: Analysis, **kwargs) -> None:
    """Receiver of ``analysis_finished`` (connected in AnalysisConfig.ready)."""
    queue_deliveries(analysis)


def on_review_closed(sender, case, **kwargs) -> None:
    """Receiver of ``review_closed``: the owner's integrations learn the reviewer's conclusion."""
    queue_deliveries(case.analysis, REVIEW_CLOSED)


def queue_deliveries(analysis: Analysis, event: str | None = None) -> list[WebhookDelivery]:
    """One pending delivery per active webhook of the owner that takes ``event``, sent by the
    workers after commit. ``event`` is ``analysis.<status>`` unless given (``review.closed``)."""
    analysis = Analysis.objects.select_related("recording", "review").get(pk=analysis.pk)
    event = event or f"analysis.{analysis.status}"
    body = payload(analysis, event)
    queued = []
    hooks = Webhook.objects.filter(owner_id=analysis.recording.owner_id, active=True)
    for hook in (h for h in hooks if event in h.events):
        delivery, created = WebhookDelivery.objects.get_or_create(
            webhook=hook, analysis=analysis, event=event, defaults={"payload": body}
        )
        if created:
            queued.append(delivery)
            transaction.on_commit(lambda pk=delivery.pk: send(pk))
    return queued


def send(delivery_id: int, countdown: float | None = None) -> None:
    """Queue an attempt for the webhook workers. If the broker cannot be reached the delivery
    stays pending and ``resend_overdue`` queues it again later: nothing is lost, nor raised."""
    from analysis.tasks import deliver_webhook

    try:
        deliver_webhook.apply_async((delivery_id,), countdown=countdown)
    except KombuError:
        log.exception(
            "broker unreachable: webhook delivery %s waits for recover_analyses", delivery_id
        )


class DeliveryConflict(Exception):
    """A delivery that cannot be sent (again) now; the message says why."""


PING = "ping"
PAUSED = "The webhook is paused; resume it first."


def ping(hook: Webhook) -> WebhookDelivery:
    """A test delivery, sent like any other and kept in the log, so a receiver's signature check
    can be tried without waiting for an analysis: ``{"event": "ping", "webhook": {"id", "url"}}``."""
    if not hook.active:
        raise DeliveryConflict(PAUSED)
    # One test at a time: a page or script cannot make Beatline fire requests at a URL in bulk.
    if hook.deliveries.filter(event=PING, status=Status.PENDING).exists():
        raise DeliveryConflict("A test delivery is still being sent; wait for it to finish.")
    body = {"event": PING, "webhook": {"id": hook.pk, "url": hook.url}}
    delivery = WebhookDelivery.objects.create(webhook=hook, event=PING, payload=body)
    transaction.on_commit(lambda: send(delivery.pk))
    return delivery


def redeliver(delivery: WebhookDelivery) -> None:
    """Send a delivered or failed delivery again, with a fresh set of WEBHOOK_MAX_ATTEMPTS tries
    (after its owner fixed the receiver, say); its body is the one first sent."""
    if not delivery.webhook.active:
        raise DeliveryConflict(PAUSED)
    # A fresh start: nothing of the earlier tries (their code, error, delivery time) is left to
    # read as this one's.
    reset = {
        "status": Status.PENDING,
        "attempts": 0,
        "next_attempt_at": None,
        "last_status_code": None,
        "last_error": "",
        "delivered_at": None,
    }
    # A conditional update: of two requests at once, one resets it, the other finds it pending.
    if (
        not WebhookDelivery.objects.filter(pk=delivery.pk)
        .exclude(status=Status.PENDING)
        .update(**reset)
    ):
        raise DeliveryConflict("This delivery is still being sent; wait for it to finish.")
    transaction.on_commit(lambda: send(delivery.pk))
    for name, value in reset.items():
        setattr(delivery, name, value)


def resume(hook: Webhook) -> list[int]:
    """Send now the deliveries that waited while ``hook`` was paused (those whose next try is
    still to come keep their scheduled task)."""
    due = hook.deliveries.filter(status=Status.PENDING).filter(
        Q(next_attempt_at=None) | Q(next_attempt_at__lte=timezone.now())
    )
    ids = list(due.values_list("pk", flat=True))
    for delivery_id in ids:
        transaction.on_commit(lambda pk=delivery_id: send(pk))
    return ids


def resend_overdue(now=None) -> list[int]:
    """Queue again each pending delivery of an active webhook whose attempt is
    WEBHOOK_RESEND_AFTER_S overdue: its task was lost, or its webhook was paused meanwhile.
    Its next_attempt_at moves to now, so it is sent again at most once per that wait; a worker
    that finds it delivered by then sends nothing (``attempt``)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.WEBHOOK_RESEND_AFTER_S)
    overdue = WebhookDelivery.objects.filter(status=Status.PENDING, webhook__active=True).filter(
        Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at=None, created__lt=cutoff)
    )
    ids = list(overdue.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for delivery_id in ids:
        send(delivery_id)
    return ids


PRUNE_BATCH = 5_000  # rows deleted per statement: a first prune of a long log holds no long lock


def prune_log(now=None) -> int:
    """Delete the finished deliveries older than WEBHOOK_LOG_DAYS (none if it is 0); pending ones
    stay, however old (a paused webhook's wait to be sent). Returns how many went."""
    if not settings.WEBHOOK_LOG_DAYS:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_LOG_DAYS)
    old = WebhookDelivery.objects.filter(created__lt=cutoff).exclude(status=Status.PENDING)
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:PRUNE_BATCH]):
        deleted += WebhookDelivery.objects.filter(pk__in=ids).delete()[0]
    return deleted


def backoff_s(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failure: base, 2 x base, 4 x base, ..."""
    return settings.WEBHOOK_BACKOFF_S * 2 ** (attempts - 1)


# Each delivery can hold a webhook worker for WEBHOOK_TIMEOUT_S: one user's hooks cannot swamp it.
MAX_PER_USER = 10


def lock_owner(owner_id: int) -> None:
    """Inside a transaction: hold the owner's row until it ends, so that of two requests adding or
    changing this user's webhooks at the same moment the second waits, then sees what the first
    saved (``too_many``, ``duplicate``)."""
    list(User.objects.select_for_update().filter(pk=owner_id).values("pk"))


def too_many(user) -> str | None:
    """Why ``user`` cannot add another webhook, or None."""
    if Webhook.objects.filter(owner=user).count() >= MAX_PER_USER:
        return f"You have {MAX_PER_USER} webhooks already, the most an account can have."
    return None


DUPLICATE = "You have a webhook with this URL already."


def duplicate(owner_id: int, url: str, pk: int | None = None) -> str | None:
    """Why ``url`` cannot be (changed to) a webhook of this user's, other than ``pk``, or None.
    Checked under ``lock_owner``, not constrained: webhooks that were duplicates before this
    check existed keep delivering until their owner removes one."""
    others = Webhook.objects.filter(owner_id=owner_id).exclude(pk=pk).values_list("url", flat=True)
    if same_address(url) in {same_address(other) for other in others}:
        return DUPLICATE
    return None


def same_address(url: str) -> str:
    """``url`` with its scheme and host in lowercase: those name the same receiver either way."""
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def rotate_secret(hook: Webhook) -> str:
    """A new secret for ``hook``, in force at once: every attempt from now on, retries of earlier
    deliveries included, is signed with it, and with the replaced one as well for
    WEBHOOK_SECRET_GRACE_S (``previous_signature``). Only the secret just replaced is kept."""
    hook.previous_secret = hook.secret
    hook.previous_secret_until = timezone.now() + timedelta(seconds=settings.WEBHOOK_SECRET_GRACE_S)
    hook.secret = new_webhook_secret()
    hook.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return hook.secret


def previous_signature(hook: Webhook, timestamp: str, body: bytes) -> str | None:
    """The signature with the secret a rotation replaced, while it is still in its grace period."""
    return sign(hook.previous_secret, timestamp, body) if hook.previous_secret_in_force() else None


def attempt(delivery_id: int) -> float | None:
    """Send a pending delivery once; the seconds until the next try, or None when finished (or
    when its webhook is paused: the delivery stays pending, and is not retried)."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Status.PENDING or not delivery.webhook.active:
        return None
    hook = delivery.webhook
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Beatline-Webhook/1",
        "X-Beatline-Event": delivery.event,
        "X-Beatline-Delivery": str(delivery.pk),
        "X-Beatline-Timestamp": timestamp,
        "X-Beatline-Signature": sign(hook.secret, timestamp, body),
    }
    if previous := previous_signature(hook, timestamp, body):
        headers["X-Beatline-Signature-Previous"] = previous
    code, error = None, None
    try:
        code = post(hook.url, body, headers)
    except Refused as exc:
        error = str(exc)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    else:
        # The status only: the receiver's reply is not shown back (it could be any server's).
        error = None if 200 <= code < 300 else f"HTTP {code}"
    return record(delivery, code, error)


def record(delivery: WebhookDelivery, code: int | None, error: str | None) -> float | None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.last_error = error or ""
    retry = None
    if error is None:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            Status.DELIVERED,
            now,
            None,
        )
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = Status.FAILED, None
        log.info("webhook delivery %s failed for good: %s", delivery.pk, error)
    else:
        retry = backoff_s(delivery.attempts)
        delivery.next_attempt_at = now + timedelta(seconds=retry)
    fields = (
        "attempts",
        "last_status_code",
        "last_error",
        "status",
        "delivered_at",
        "next_attempt_at",
    )
    changed = {f: getattr(delivery, f) for f in fields}
    # An update, not a save: the webhook may have been deleted meanwhile, taking its log along.
    if not WebhookDelivery.objects.filter(pk=delivery.pk).update(**changed):
        return None
    return retry
