"""The analysis run, as a plain function the Celery task wraps and tests call directly."""

from __future__ import annotations

import logging

from analysis.models import Analysis
from mlcore.errors import SignalError
from mlcore.hrv import heart_rate_summary
from mlcore.preprocess import bandpass
from mlcore.readers import read_record
from mlcore.rpeaks import detect_rpeaks

log = logging.getLogger(__name__)

INTERNAL_ERROR = "The analysis failed because of an internal error; the team has been notified."


def run(analysis_id: int) -> None:
    """Read the stored recording, band-pass it, detect R-peaks and store heart-rate figures."""
    analysis = Analysis.objects.select_related("recording").filter(pk=analysis_id).first()
    if analysis is None:
        log.warning("analysis %s no longer exists; nothing to do", analysis_id)
        return
    if analysis.done:
        log.info("analysis %s already %s; not running it again", analysis_id, analysis.status)
        return
    recording = analysis.recording
    analysis.mark_running()
    try:
        with recording.local_copy() as path:
            signal = read_record(path, fs=recording.sampling_rate)
        analysis.set_progress(30)
        filtered = bandpass(signal.samples, signal.fs)
        analysis.set_progress(50)
        rpeaks = detect_rpeaks(filtered, signal.fs)
        analysis.set_progress(90)
        summary = heart_rate_summary(rpeaks, signal.fs).as_dict()
        summary["duration_s"] = round(signal.duration_s, 3)
    except SignalError as exc:
        analysis.fail(str(exc))
        return
    except Exception:
        log.exception("analysis %s failed", analysis_id)
        analysis.fail(INTERNAL_ERROR)
        return
    analysis.succeed(summary)
