"""``{% load review_tags %}``: ``user|is_reviewer`` for the reviewers-only links, and
``analysis|review_outcome`` for the owner's view of its review."""

from django import template

from analysis import report, review
from analysis.review import is_reviewer as _is_reviewer

register = template.Library()


@register.filter
def is_reviewer(user) -> bool:
    return _is_reviewer(user)


@register.filter
def decision_counts(case) -> dict[str, int]:
    """{"confirm": n, "reject": n, "relabel": n} for a review case."""
    return review.decision_counts(case)


@register.filter
def review_outcome(analysis):
    """What the owner sees of the analysis's review (``analysis.report.review_outcome``, which the
    PDF and the API report use too), or None."""
    return report.review_outcome(analysis)
