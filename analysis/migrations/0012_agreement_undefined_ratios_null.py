"""Agreements stored before Se and +P of nothing (0/0) were null say 0.0 there: make them null,
as ``mlcore.agreement.agreement_summary`` now stores them, so that the API and results.json give
the same for every analysis. Each ratio is judged from the stored confusion matrix."""

from django.db import migrations


def undefined_ratios_null(agreement: dict) -> bool:
    """Set Se (+P) of a class with no annotated (given) beat to None; whether anything changed."""
    labels, cm = agreement["labels"], agreement["confusion"]
    changed = False
    for name, scores in agreement["per_class"].items():
        i = labels.index(name)
        for key, total in (("se", sum(cm[i])), ("ppv", sum(row[i] for row in cm))):
            if total == 0 and scores.get(key) is not None:
                scores[key] = None
                changed = True
    return changed


def forwards(apps, schema_editor):
    Analysis = apps.get_model("analysis", "Analysis")
    stored = Analysis.objects.filter(summary__reference_agreement__isnull=False)
    for analysis in stored.only("pk", "summary").iterator(chunk_size=500):
        agreement = analysis.summary.get("reference_agreement")
        if agreement and undefined_ratios_null(agreement):
            Analysis.objects.filter(pk=analysis.pk).update(summary=analysis.summary)


class Migration(migrations.Migration):
    dependencies = [("analysis", "0011_delivery_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
