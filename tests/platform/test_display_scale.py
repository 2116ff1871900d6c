"""The display signal (timeline envelope, strips) is never cut flat: a file in units far larger
than millivolts (integer ADC counts, left as they are) gets a coarser step per analysis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.urls import resolve, reverse

from analysis import pdf
from analysis.models import Analysis
from mlcore.datasets import model_input
from mlcore.readers import read_span
from tests.platform.helpers import run_analysis_inline, upload_file

SECONDS = 60


def adc_csv(mitdb: Path, folder: Path, quiet_s: float = 0.0) -> Path:
    """The first minute of record 119's MLII as integer ADC counts about zero (about -350..470),
    one headerless column; with ``quiet_s``, its first seconds in mV instead (a chunk that needs
    no coarser step)."""
    import wfdb

    source = wfdb.rdrecord(str(mitdb / "119"), sampto=SECONDS * 360, channels=[0], physical=False)
    counts = source.d_signal[:, 0].astype(np.int64) - source.baseline[0]
    quiet = round(quiet_s * 360)
    lines = [f"{c / source.adc_gain[0]:.3f}" for c in counts[:quiet]]
    lines += [str(c) for c in counts[quiet:]]
    path = folder / "adc.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def analysed(client, path: Path, fs: float) -> Analysis:
    """Upload one CSV at ``fs`` through the form and run its analysis in-process."""
    response = client.post(reverse("upload"), {"files": [upload_file(path)], "sampling_rate": fs})
    assert response.status_code == 302, response.content[-2000:]
    recording_id = resolve(response.url).kwargs["pk"]
    analysis = Analysis.objects.filter(recording_id=recording_id).latest("created")
    run_analysis_inline(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == "succeeded", analysis.error
    return analysis


def envelope(client, analysis: Analysis, **params) -> dict:
    response = client.get(reverse("api_analysis_envelope", args=[analysis.pk]), params)
    assert response.status_code == 200, response.content[-2000:]
    return response.json()


def filtered(path: Path, start_s: float = 0, end_s: float = SECONDS) -> np.ndarray:
    """The signal the display draws: the file read as Beatline reads it, band-passed."""
    x, _ = model_input(read_span(path, 0, SECONDS * 360, fs=360))
    return x[0, round(start_s * 360) : round(end_s * 360)]


@pytest.fixture
def adc_analysis(alice_client, mitdb, tmp_path) -> tuple[Analysis, Path]:
    path = adc_csv(mitdb, tmp_path)
    return analysed(alice_client, path, 360), path


def test_adc_counts_are_not_clipped(alice_client, adc_analysis):
    analysis, path = adc_analysis
    expected = filtered(path)
    assert expected.max() > 100  # far beyond the ±32.767 an int16 of microvolts holds
    assert analysis.artefacts["envelope_scale_uv"] == 100
    data = envelope(alice_client, analysis, points=5000)
    assert max(data["max"][0]) == pytest.approx(expected.max(), abs=0.06)
    assert min(data["min"][0]) == pytest.approx(expected.min(), abs=0.06)


def test_zoomed_adc_envelope_is_the_signal(alice_client, adc_analysis):
    analysis, path = adc_analysis
    data = envelope(alice_client, analysis, start=10, end=12, points=2000)
    assert data["level"] == 0
    assert np.allclose(data["max"][0], filtered(path, 10, 12), atol=0.06)


def test_adc_strip_draws_the_whole_signal(adc_analysis):
    analysis, path = adc_analysis
    ax = pdf.strip_figure(analysis, 10, 20).axes[0]
    bottom, top = ax.get_ylim()
    assert top > filtered(path, 10, 20).max() > 100
    assert bottom < filtered(path, 10, 20).min()
    # its grid grows with the step, or thousands of 0.5-unit lines would hide the trace
    assert "grid 0.2 s × 50 mV" in ax.get_xlabel()
    assert len(ax.yaxis.get_minorticklocs()) < 50
    assert pdf.strip_png(analysis, 10, 20).startswith(b"\x89PNG")


def test_chunks_of_mixed_scales_are_stitched_in_the_coarsest(
    alice_client, mitdb, tmp_path, settings
):
    settings.ANALYSIS_CHUNK_S = 30  # the first chunk in mV, the second in ADC counts
    path = adc_csv(mitdb, tmp_path, quiet_s=30)
    analysis = analysed(alice_client, path, 360)
    assert analysis.artefacts["envelope_scale_uv"] == 100
    late = envelope(alice_client, analysis, start=40, end=42, points=2000)
    assert np.allclose(late["max"][0], filtered(path, 40, 42), atol=0.06)
    early = envelope(alice_client, analysis, start=10, end=12, points=2000)
    assert np.allclose(early["max"][0], filtered(path, 10, 12), atol=0.06)


def test_a_signal_in_millivolts_keeps_microvolt_steps(alice_client, ecg_csv):
    analysis = analysed(alice_client, ecg_csv, 250)
    assert analysis.artefacts["envelope_scale_uv"] == 1
    data = envelope(alice_client, analysis, start=0, end=2, points=2000)
    assert 0.5 < max(data["max"][0]) < 2  # spikes of about 1 mV ...
    assert any(round(v * 1000) % 10 for v in data["max"][0])  # ... to the microvolt
