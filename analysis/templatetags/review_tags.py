"""``{% load review_tags %}``: ``user|is_reviewer`` for the reviewers-only links."""

from django import template

from analysis.review import is_reviewer as _is_reviewer

register = template.Library()


@register.filter
def is_reviewer(user) -> bool:
    return _is_reviewer(user)


@register.filter
def decision_counts(case) -> dict[str, int]:
    """{"confirm": n, "reject": n, "relabel": n} for a review case."""
    counts = dict.fromkeys(("confirm", "reject", "relabel"), 0)
    for decision in case.decisions.values_list("decision", flat=True):
        counts[decision] += 1
    return counts
