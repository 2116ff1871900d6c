"""``{% load clock %}``: ``seconds|clock``, a time into the recording as h:mm:ss.s, as the report
and the timeline's axis write it (a time in thousands of seconds means nothing to a reader)."""

from django import template

from analysis.report import hms

register = template.Library()


@register.filter
def clock(seconds: float) -> str:
    return hms(seconds, tenths=True)
