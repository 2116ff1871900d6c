"""Webhooks: when an analysis succeeds or fails, POST a signed JSON body to the owner's URLs.

Each (webhook, analysis, event) gets one ``WebhookDelivery``, the visible log. ``attempt`` sends it
once and records the outcome; on failure it answers the back-off before the next try, which the
Celery task in analysis/tasks.py schedules as a countdown, until WEBHOOK_MAX_ATTEMPTS.

The receiver checks ``X-Beatline-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw body keyed
with the webhook's secret, and may reject old ``X-Beatline-Timestamp`` values.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from analysis.models import Analysis, Webhook, WebhookDelivery

log = logging.getLogger(__name__)
Status = WebhookDelivery.Status


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload(analysis: Analysis, event: str) -> dict:
    recording = analysis.recording
    return {
        "event": event,
        "analysis": {
            "id": analysis.pk,
            "status": analysis.status,
            "error": analysis.error,
            "flagged": analysis.flagged,
            "n_events": analysis.events.count(),
            "finished": analysis.finished.isoformat() if analysis.finished else None,
            "url": settings.SITE_URL.rstrip("/") + reverse("api_analysis", args=[analysis.pk]),
        },
        "recording": {"id": recording.pk, "name": recording.name},
    }


def on_analysis_finished(sender, analysis: Analysis, **kwargs) -> None:
    """Receiver of ``analysis_finished`` (connected in AnalysisConfig.ready)."""
    queue_deliveries(analysis)


def queue_deliveries(analysis: Analysis) -> list[WebhookDelivery]:
    """One pending delivery per active webhook of the owner, sent by the workers after commit."""
    from analysis.tasks import deliver_webhook

    analysis = Analysis.objects.select_related("recording").get(pk=analysis.pk)
    event = f"analysis.{analysis.status}"
    body = payload(analysis, event)
    queued = []
    for hook in Webhook.objects.filter(owner_id=analysis.recording.owner_id, active=True):
        delivery, created = WebhookDelivery.objects.get_or_create(
            webhook=hook, analysis=analysis, event=event, defaults={"payload": body}
        )
        if created:
            queued.append(delivery)
            transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(pk))
    return queued


def backoff_s(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failure: base, 2 x base, 4 x base, ..."""
    return settings.WEBHOOK_BACKOFF_S * 2 ** (attempts - 1)


def refused_address(url: str) -> str | None:
    """Why the URL may not be called (a private or loopback address), or None."""
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return None
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return f"cannot resolve {host}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"{host} resolves to a non-public address ({address})"
    return None


def attempt(delivery_id: int) -> float | None:
    """Send a pending delivery once; the seconds until the next try, or None when finished."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Status.PENDING:
        return None
    hook = delivery.webhook
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Beatline-Webhook/1",
        "X-Beatline-Event": delivery.event,
        "X-Beatline-Delivery": str(delivery.pk),
        "X-Beatline-Timestamp": str(int(time.time())),
        "X-Beatline-Signature": sign(hook.secret, body),
    }
    code, error = None, refused_address(hook.url)
    if error is None:
        try:
            response = requests.post(
                hook.url,
                data=body,
                headers=headers,
                timeout=settings.WEBHOOK_TIMEOUT_S,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        else:
            code = response.status_code
            if not 200 <= code < 300:
                error = f"HTTP {code}: {response.text[:300]}"
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
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return retry
