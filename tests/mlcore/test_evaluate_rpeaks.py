"""`python -m mlcore.evaluate rpeaks` on short MIT-BIH slices written to a temporary database."""

import json

import numpy as np
import wfdb

from mlcore.evaluate.__main__ import main
from mlcore.evaluate.rpeaks import fiducial_offsets, match_beats, reference_beats

SECONDS = 60


def _write_slice(mitdb, tmp_path, record, fs_out=None):
    rec = wfdb.rdrecord(str(mitdb / record), sampto=SECONDS * 360)
    ann = wfdb.rdann(str(mitdb / record), "atr", sampto=SECONDS * 360)
    signal, samples, fs = rec.p_signal, ann.sample, rec.fs
    if fs_out:
        from mlcore.preprocess import resample, resample_indices

        signal = resample(signal.T, fs, fs_out).T.astype(np.float64)
        samples = resample_indices(samples, fs, fs_out)
        fs = fs_out
    wfdb.wrsamp(
        record,
        fs=fs,
        units=rec.units,
        sig_name=rec.sig_name,
        p_signal=signal,
        fmt=["16"] * signal.shape[1],
        write_dir=str(tmp_path),
    )
    keep = samples < signal.shape[0]
    wfdb.wrann(
        record,
        "atr",
        samples[keep],
        symbol=list(np.array(ann.symbol)[keep]),
        write_dir=str(tmp_path),
    )


def test_match_beats_counts_one_detection_per_beat():
    reference = np.array([100, 400, 700, 1000])
    detected = np.array([105, 110, 460, 690, 2000])  # 110 duplicates 105; 460 is 60 samples off
    assert match_beats(reference, detected, tolerance=54) == (2, 2, 3)
    assert match_beats(reference, reference, tolerance=0) == (4, 0, 0)
    assert match_beats(reference, np.array([], dtype=np.int64), tolerance=54) == (0, 4, 0)


def test_fiducial_offsets_measure_the_nearest_detection_within_reach():
    reference = np.array([100, 400, 700, 1000])
    detected = np.array([97, 410, 2000])
    assert fiducial_offsets(reference, detected, tolerance=54).tolist() == [3, 10]
    assert fiducial_offsets(reference, np.array([], dtype=np.int64), tolerance=54).tolist() == []


def test_reference_beats_skip_non_beats_and_flutter_episodes():
    samples = np.array([10, 20, 30, 40, 50, 60, 70, 80])
    symbols = np.array(["N", "+", "V", "[", "!", "]", "~", "/"])
    beats, excluded = reference_beats(samples, symbols)
    assert beats.tolist() == [10, 30, 80]
    assert excluded.tolist() == [[40, 60]]


def test_command_prints_scores_and_writes_json(mitdb, tmp_path, capsys):
    for record in ("100", "119"):
        _write_slice(mitdb, tmp_path, record)
    out = tmp_path / "result.json"
    assert main(["rpeaks", "--data-dir", str(tmp_path), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "total" in printed and "per hour" in printed and "median |dt|" in printed
    result = json.loads(out.read_text())
    assert [r["record"] for r in result["records"]] == ["100", "119"]  # no RECORDS file: .hea+.atr
    assert result["total"]["se"] > 0.99 and result["total"]["ppv"] > 0.99
    assert result["total"]["tp"] + result["total"]["fn"] == sum(
        r["reference"] for r in result["records"]
    )


def test_command_works_at_other_sampling_rates(mitdb, tmp_path):
    _write_slice(mitdb, tmp_path, "100", fs_out=257.0)
    (tmp_path / "RECORDS").write_text("100\n")
    out = tmp_path / "result.json"
    assert main(["rpeaks", "--data-dir", str(tmp_path), "--json", str(out)]) == 0
    row = json.loads(out.read_text())["records"][0]
    assert row["fs"] == 257.0
    assert row["se"] > 0.99 and row["ppv"] > 0.99


def test_command_reports_missing_records(tmp_path, capsys):
    assert main(["rpeaks", "--data-dir", str(tmp_path)]) == 2
    assert "no annotated WFDB records" in capsys.readouterr().out


def test_unreadable_record_is_skipped_and_reported(mitdb, tmp_path, capsys):
    _write_slice(mitdb, tmp_path, "100")
    rec = wfdb.rdrecord(str(mitdb / "101"), sampto=SECONDS * 360)
    flat = rec.p_signal.copy()
    flat[:, 1] = 0.0  # a dead lead: the reader refuses the record
    wfdb.wrsamp(
        "101",
        fs=rec.fs,
        units=rec.units,
        sig_name=rec.sig_name,
        p_signal=flat,
        fmt=["16", "16"],
        write_dir=str(tmp_path),
    )
    wfdb.wrann("101", "atr", np.array([100, 500]), symbol=["N", "N"], write_dir=str(tmp_path))
    out = tmp_path / "result.json"
    assert main(["rpeaks", "--data-dir", str(tmp_path), "--json", str(out)]) == 1
    assert "101 skipped" in capsys.readouterr().out
    result = json.loads(out.read_text())
    assert result["skipped"] == ["101"]
    assert [r["record"] for r in result["records"]] == ["100"]
