"""The management commands refuse nonsense arguments with a usage message, not a traceback."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    ("command", "arguments", "message"),
    [
        ("recover_analyses", ["--loop", "-5"], "must be a number of seconds above 0, not -5"),
        ("recover_analyses", ["--loop", "nan"], "must be a number of seconds above 0"),
        ("benchmark_pages", ["--analysis", "1", "--repeat", "0"], "must be 1 or more, not 0"),
        ("benchmark_review", ["--cases", "x"], "'x' is not a whole number"),
        ("benchmark_api", ["--clients", "0"], "must be 1 or more"),
    ],
)
def test_counts_and_periods_below_one_are_usage_errors(db, command, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command(command, *arguments)


def test_export_review_labels_into_a_file_says_to_give_a_folder(db, tmp_path):
    target = tmp_path / "labels.txt"
    target.write_text("mine")
    with pytest.raises(CommandError, match="labels.txt is a file; give a folder"):
        call_command("export_review_labels", str(target))
    assert target.read_text() == "mine"
