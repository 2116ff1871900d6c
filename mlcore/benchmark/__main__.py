"""Dispatch ``python -m mlcore.benchmark NAME``.

Each benchmark lives in its own module exposing ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS = {
    "signal": ("mlcore.benchmark.signal_layer", "readers, preprocessing, R-peaks, segmentation"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m mlcore.benchmark")
    sub = parser.add_subparsers(dest="benchmark", required=True)
    modules = {}
    for name, (module_name, help_text) in BENCHMARKS.items():
        module = importlib.import_module(module_name)
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=help_text))
    args = parser.parse_args(argv)
    return modules[args.benchmark].run(args)


if __name__ == "__main__":
    sys.exit(main())
