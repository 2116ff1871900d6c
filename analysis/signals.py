"""Signals other parts of the platform connect to (webhooks, notifications)."""

from django.dispatch import Signal

# Sent once an analysis has succeeded or failed and that is committed; kwargs: analysis.
analysis_finished = Signal()

# Sent once a review case is closed and that is committed; kwargs: case.
review_closed = Signal()
