"""``{% load review_tags %}``: ``user|is_reviewer`` for the reviewers-only links, and
``analysis|review_outcome`` for the owner's view of its review."""

from django import template

from analysis import report, review

register = template.Library()


@register.filter
def is_reviewer(user) -> bool:
    return review.is_reviewer(user)


@register.filter
def review_outcome(analysis):
    """What the owner sees of the analysis's review (``analysis.report.review_outcome``, which the
    PDF and the API report use too), or None."""
    return report.review_outcome(analysis)
