"""Benchmarks: commands that print numbers (``python -m mlcore.benchmark NAME``); never tests."""
