"""Evaluation commands: ``python -m mlcore.evaluate {rpeaks,beats,ecg5000,crossval,vf} ...``."""
