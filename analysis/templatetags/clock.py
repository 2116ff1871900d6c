"""``{% load clock %}``: ``seconds|clock``, a time into the recording as h:mm:ss.s, as the report
and the timeline's axis write it (a time in thousands of seconds means nothing to a reader);
``seconds|by_clock:recording``, the file's clock time then ("" when the file gives no clock)."""

from django import template

from analysis.report import hms

register = template.Library()


@register.filter
def clock(seconds: float) -> str:
    return hms(seconds, tenths=True)


@register.filter
def by_clock(seconds: float, recording) -> str:
    return recording.clock_at(seconds)
