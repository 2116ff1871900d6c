"""The agreement with a file's beat annotations (``mlcore.agreement``) in table order."""

from django import template
from django.template.defaultfilters import floatformat

from mlcore.segment import AAMI_CLASSES

register = template.Library()


@register.filter
def class_rows(agreement: dict) -> list[tuple[str, int, float | None, float | None]]:
    """(class, its annotated count, Se and +P, each None where undefined), N S V F Q."""
    return [
        (name, agreement["per_class"][name]["annotated"], se(agreement, name), ppv(agreement, name))
        for name in AAMI_CLASSES
    ]


@register.filter
def confusion_rows(agreement: dict) -> list[tuple[str, list[int]]]:
    return list(zip(agreement["labels"], agreement["confusion"], strict=True))


def given(agreement: dict, name: str) -> int:
    """How many beats were given the class ``name``: its confusion matrix column summed."""
    column = agreement["labels"].index(name)
    return sum(row[column] for row in agreement["confusion"])


@register.filter
def se(agreement: dict, name: str) -> float | None:
    """The Se of ``name``, None with none annotated (decided by the count: summaries stored
    before the ratio was None for 0/0 hold 0.0)."""
    metrics = agreement["per_class"][name]
    return metrics["se"] if metrics["annotated"] else None


@register.filter
def ppv(agreement: dict, name: str) -> float | None:
    """The +P of ``name``, None with no beat given it (decided by the count, as ``se``)."""
    return agreement["per_class"][name]["ppv"] if given(agreement, name) else None


@register.filter
def ratio(value: float | None) -> str:
    """Se or +P to three decimals, "-" where it is undefined (None)."""
    return "-" if value is None else floatformat(value, 3)
