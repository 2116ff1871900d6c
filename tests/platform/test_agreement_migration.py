"""Migration 0012: agreements stored with 0.0 for Se and +P of nothing come out as now stored."""

from __future__ import annotations

import copy
import importlib

from django.apps import apps

from analysis.models import Analysis
from mlcore.agreement import agreement_summary
from tests.platform.test_agreement_pooled import matrix, scored

migration = importlib.import_module("analysis.migrations.0012_agreement_undefined_ratios_null")


def stored_before(agreement: dict) -> dict:
    """As analyses stored it before: 0.0 for every undefined ratio."""
    for scores in agreement["per_class"].values():
        scores["se"], scores["ppv"] = scores["se"] or 0.0, scores["ppv"] or 0.0
    return agreement


def test_undefined_ratios_become_null_and_the_rest_stay(alice):
    now = agreement_summary(matrix(n=50, v=5, v_as_n=2))  # no S, F or Q annotated nor given
    old = scored(alice, "100", None)
    old.summary = {"reference_agreement": stored_before(copy.deepcopy(now))}
    old.save()
    untouched = scored(alice, "101", None)  # no annotations: nothing to change
    assert old.summary["reference_agreement"]["per_class"]["S"]["se"] == 0.0

    migration.forwards(apps, None)
    old.refresh_from_db()
    assert old.summary["reference_agreement"] == now
    assert old.summary["reference_agreement"]["per_class"]["S"] == {
        "annotated": 0,
        "se": None,
        "ppv": None,
    }
    assert old.summary["reference_agreement"]["per_class"]["V"]["se"] == round(5 / 7, 4)
    assert Analysis.objects.get(pk=untouched.pk).summary == {"reference_agreement": None}
