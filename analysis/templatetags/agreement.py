"""The agreement with a file's beat annotations (``mlcore.agreement``) in table order."""

from django import template

from mlcore.segment import AAMI_CLASSES

register = template.Library()


@register.filter
def class_rows(agreement: dict) -> list[tuple[str, dict]]:
    """(class, its annotated count, Se and +P), N S V F Q."""
    return [(name, agreement["per_class"][name]) for name in AAMI_CLASSES]


@register.filter
def confusion_rows(agreement: dict) -> list[tuple[str, list[int]]]:
    return list(zip(agreement["labels"], agreement["confusion"], strict=True))
