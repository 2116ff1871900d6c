"""Beatline's signal-processing and machine-learning core.

Pure numpy/scipy/torch: nothing here imports Django. Data flows one way:
reader -> preprocess -> detect -> segment -> infer -> findings.
"""
