"""Dispatch ``python -m mlcore.evaluate SUBCOMMAND``.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from mlcore.errors import SignalError

SUBCOMMANDS = {
    "rpeaks": ("mlcore.evaluate.rpeaks", "R-peak sensitivity and positive predictivity"),
    "beats": ("mlcore.evaluate.beats", "beat classifier on a WFDB database"),
    "ecg5000": ("mlcore.evaluate.ecg5000", "classifier / autoencoder on ECG5000"),
    "crossval": ("mlcore.evaluate.crossval", "the rhythm rule on nested cross-validation output"),
    "vf": ("mlcore.evaluate.vf", "ventricular flutter/fibrillation spans on a WFDB database"),
    "af": ("mlcore.evaluate.af", "the platform's atrial fibrillation findings on a WFDB database"),
    "pauses": ("mlcore.evaluate.pauses", "the platform's pause findings on a WFDB database"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m mlcore.evaluate")
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=help_text))
    args = parser.parse_args(argv)
    try:
        return modules[args.command].run(args)
    except SignalError as exc:  # unreadable or missing data: say which, without a traceback
        parser.exit(2, f"error: {exc}\n")


if __name__ == "__main__":
    sys.exit(main())
