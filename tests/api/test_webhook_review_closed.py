"""When a reviewer closes a case, the owner's webhooks get ``review.closed`` with the conclusion,
once, signed like every delivery."""

from __future__ import annotations

import json

from analysis import review, tasks
from analysis.models import Webhook, WebhookDelivery
from tests.platform.review_helpers import make_case, make_reviewer


def test_closing_a_case_sends_its_conclusion(
    alice, bob, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    Webhook.objects.create(owner=bob, url=receiver.url + "/bob")  # not bob's case
    rita = make_reviewer("rita")
    case = make_case(alice)
    review.claim(case.pk, rita)
    event = case.analysis.events.get()
    review.decide(case, event, rita, "confirm")
    with django_capture_on_commit_callbacks(execute=True):
        review.close(case, rita, "  One PVC; nothing to treat.  ")

    delivery = WebhookDelivery.objects.get()
    assert (delivery.webhook, delivery.event) == (hook, "review.closed")
    tasks.deliver_webhook(delivery.pk)
    headers, body = receiver.received[0]
    assert headers["X-Beatline-Event"] == "review.closed"
    sent = json.loads(body)
    assert sent["analysis"]["id"] == case.analysis_id
    assert sent["review"]["status"] == "closed"
    assert sent["review"]["conclusion"] == "One PVC; nothing to treat."
    assert sent["review"]["closed_at"] and sent["review"]["report_url"].endswith(
        f"/api/v1/analyses/{case.analysis_id}/report/"
    )
    assert "notes" not in sent["review"]  # the reviewers' internal notes stay internal
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
