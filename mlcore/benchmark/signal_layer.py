"""``python -m mlcore.benchmark signal``: speed and memory of the signal layer.

Two measurements, printed as a table (and optionally written as JSON):

1. Side by side on the same MIT-BIH records: our whole path (preprocess + R-peaks + beat windows, both
   leads) against NeuroKit2's ``ecg_process`` (one lead; it handles one lead only, so the comparison
   favours NeuroKit2).
2. 24 hours of two-lead signal: the 48 MIT-BIH records concatenated into one WFDB record in a temporary
   folder, then read in chunks, preprocessed and R-peak detected in a fresh subprocess that reports its
   wall time and peak resident memory. The detections are scored against the concatenated reference
   annotations, which checks that chunk stitching loses no beats.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from mlcore.errors import SignalError
from mlcore.paths import mitdb_dir

CHUNK_S = 600.0
OVERLAP_S = 10.0
DEFAULT_NK_RECORDS = "100,105,203,208"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="MIT-BIH folder (default: mitdb)"
    )
    parser.add_argument(
        "--records", default=DEFAULT_NK_RECORDS, help="records for the NeuroKit2 comparison"
    )
    parser.add_argument("--skip-neurokit", action="store_true", help="skip the side-by-side run")
    parser.add_argument("--skip-24h", action="store_true", help="skip the 24-hour run")
    parser.add_argument("--json", type=Path, default=None, help="write the numbers here")


# --- 1. side by side with NeuroKit2 -----------------------------------------------------------


def _our_path(samples: np.ndarray, fs: float) -> int:
    from mlcore.preprocess import preprocess
    from mlcore.rpeaks import detect_rpeaks
    from mlcore.segment import beat_windows
    from mlcore.signal import ECGSignal

    sig = ECGSignal(samples, fs, tuple(f"lead{i}" for i in range(len(samples))), ("mV",) * 2)
    pre = preprocess(sig)
    peaks = detect_rpeaks(pre.samples, pre.fs)
    beats = beat_windows(pre.samples, peaks, pre.fs)
    return len(beats)


def _neurokit_path(samples: np.ndarray, fs: float) -> int:
    import neurokit2 as nk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, info = nk.ecg_process(samples[0], sampling_rate=int(fs))
    return len(info["ECG_R_Peaks"])


def side_by_side(data_dir: Path, records: list[str]) -> dict:
    import neurokit2  # noqa: F401  (import time is not part of the measurement)

    from mlcore.readers import read_record

    rows = []
    for name in records:
        sig = read_record(data_dir / f"{name}.hea")
        t0, c0 = time.perf_counter(), time.process_time()
        ours_beats = _our_path(sig.samples, sig.fs)
        t1, c1 = time.perf_counter(), time.process_time()
        nk_beats = _neurokit_path(sig.samples, sig.fs)
        t2, c2 = time.perf_counter(), time.process_time()
        rows.append(
            {
                "record": name,
                "minutes": sig.duration_s / 60,
                "ours_s": t1 - t0,
                "neurokit_s": t2 - t1,
                "ours_cpu_s": c1 - c0,
                "neurokit_cpu_s": c2 - c1,
                "ours_beats": ours_beats,
                "neurokit_beats": nk_beats,
            }
        )
        r = rows[-1]
        print(
            f"  {name:>5}  ours {r['ours_s']:6.2f} s ({ours_beats} beats, 2 leads)   "
            f"neurokit2 {r['neurokit_s']:6.2f} s ({nk_beats} R-peaks, 1 lead)   "
            f"x{r['neurokit_s'] / r['ours_s']:.0f}",
            flush=True,
        )
    ours = sum(r["ours_s"] for r in rows)
    nk = sum(r["neurokit_s"] for r in rows)
    hours = sum(r["minutes"] for r in rows) / 60
    print(
        f"  total  ours {ours:.2f} s, neurokit2 {nk:.2f} s for {hours:.2f} h: "
        f"{nk / ours:.1f}x faster ({ours / hours:.2f} vs {nk / hours:.1f} s per hour)"
    )
    ours_cpu = sum(r["ours_cpu_s"] for r in rows)
    nk_cpu = sum(r["neurokit_cpu_s"] for r in rows)
    print(f"  CPU time: ours {ours_cpu:.2f} s, neurokit2 {nk_cpu:.2f} s: {nk_cpu / ours_cpu:.1f}x")
    return {
        "records": rows,
        "ours_s": ours,
        "neurokit_s": nk,
        "ours_cpu_s": ours_cpu,
        "neurokit_cpu_s": nk_cpu,
        "hours": hours,
        "speedup": nk / ours,
        "cpu_speedup": nk_cpu / ours_cpu,
    }


# --- 2. 24 hours in a subprocess ----------------------------------------------------------------


def build_day(data_dir: Path, out_dir: Path) -> tuple[Path, np.ndarray, list[tuple[int, int]]]:
    """Concatenate the 48 records (digital values, format 16) into ``out_dir/day.hea``.

    Returns the header path, the reference beats and the excluded (VF) intervals, all in samples of
    the concatenated record.
    """
    import wfdb

    from mlcore.evaluate.rpeaks import list_records, reference_beats

    paths = list_records(data_dir, None)
    refs, excluded, offset = [], [], 0
    gains = baselines = fs = None
    with open(out_dir / "day.dat", "wb") as dat:
        for path in paths:
            rec = wfdb.rdrecord(str(path), physical=False)
            if gains is None:
                gains, baselines, fs = rec.adc_gain, rec.baseline, rec.fs
            if rec.fs != fs or rec.n_sig != 2:
                raise SignalError(f"{path.name}: every record must have 2 leads at {fs:g} Hz")
            digital = rec.d_signal.astype(np.int64)
            # Put every record on the first record's scale (MIT-BIH: all 200 adu/mV, baseline 1024).
            physical = (digital - np.array(rec.baseline)) / np.array(rec.adc_gain)
            digital = np.round(physical * np.array(gains) + np.array(baselines))
            digital.astype("<i2").tofile(dat)
            ann = wfdb.rdann(str(path), "atr")
            beats, vf = reference_beats(ann.sample, np.asarray(ann.symbol))
            refs.append(beats + offset)
            excluded.extend((int(s) + offset, int(e) + offset) for s, e in vf)
            offset += rec.sig_len
    lines = [f"day 2 {fs:g} {offset}"]
    for lead in range(2):
        lines.append(
            f"day.dat 16 {gains[lead]:g}/mV 16 0 {int(baselines[lead])} 0 0 lead{lead + 1}"
        )
    (out_dir / "day.hea").write_text("\n".join(lines) + "\n")
    return out_dir / "day.hea", np.concatenate(refs), excluded


def _peak_rss_mb() -> float:
    """Peak resident memory of this process.

    VmHWM belongs to the process image, whereas ru_maxrss survives fork + exec and would report the
    parent's size when the parent is bigger (it is: NeuroKit2 and the records are loaded there).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stream_worker(path: str) -> None:
    """Child process: read in chunks, preprocess, detect; print JSON with time and peak memory.

    The time covers everything from opening the record to the stitched R-peaks; imports (a fixed
    ~1-2 s of interpreter start-up) are timed separately.
    """
    t_import = time.perf_counter()
    from mlcore.preprocess import preprocess
    from mlcore.readers import describe, iter_chunks
    from mlcore.rpeaks import detect_rpeaks

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    import_s = t0 - t_import
    info = describe(path)
    fs = info.fs
    half = int(OVERLAP_S * fs / 2)
    peaks = []
    for chunk in iter_chunks(path, chunk_s=CHUNK_S, overlap_s=OVERLAP_S):
        pre = preprocess(chunk.signal)
        found = detect_rpeaks(pre.samples, pre.fs)
        n = pre.samples.shape[1]
        # Keep each chunk's middle: the overlap is split half and half between neighbours.
        lo = 0 if chunk.start == 0 else half
        hi = n if chunk.start + n >= info.n_samples else n - half
        peaks.append(found[(found >= lo) & (found < hi)] + chunk.start)
    peaks = np.concatenate(peaks)
    seconds = time.perf_counter() - t0
    cpu_s = time.process_time() - cpu0
    peak_mb = _peak_rss_mb()
    np.save(Path(path).with_name("peaks.npy"), peaks)
    hours = info.n_samples / fs / 3600
    result = {
        "fs": fs,
        "seconds": seconds,
        "cpu_s": cpu_s,
        "import_s": import_s,
        "peak_rss_mb": peak_mb,
        "hours": hours,
    }
    print(json.dumps(result))


def day_run(data_dir: Path) -> dict:
    from mlcore.evaluate.rpeaks import MATCH_WINDOW_S, drop_excluded, match_beats

    with tempfile.TemporaryDirectory(prefix="beatline-bench-") as tmp:
        t0 = time.perf_counter()
        header, ref, excluded = build_day(data_dir, Path(tmp))
        print(f"  built {header.name} in {time.perf_counter() - t0:.1f} s (temporary folder)")
        code = f"from mlcore.benchmark.signal_layer import stream_worker; stream_worker({str(header)!r})"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        peaks = np.load(Path(tmp) / "peaks.npy")
    intervals = np.asarray(excluded, dtype=np.int64).reshape(-1, 2)
    tp, fn, fp = match_beats(
        drop_excluded(ref, intervals),
        drop_excluded(peaks, intervals),
        int(round(MATCH_WINDOW_S * result["fs"])),
    )
    result |= {"tp": tp, "fn": fn, "fp": fp, "se": tp / (tp + fn), "ppv": tp / (tp + fp)}
    print(
        f"  {result['hours']:.2f} h of 2-lead signal: read + preprocess + R-peaks in "
        f"{result['seconds']:.1f} s wall, {result['cpu_s']:.1f} s CPU "
        f"(+{result['import_s']:.1f} s imports), peak RSS {result['peak_rss_mb']:.0f} MB "
        f"(chunks of {CHUNK_S:g} s, {OVERLAP_S:g} s overlap)"
    )
    print(
        f"  stitched detections: Se {100 * result['se']:.2f}%  +P {100 * result['ppv']:.2f}% "
        f"(TP {tp}, FN {fn}, FP {fp})"
    )
    return result


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir or mitdb_dir())
    results: dict = {}
    if not args.skip_neurokit:
        records = [r.strip() for r in args.records.split(",") if r.strip()]
        print("Preprocess + R-peaks + beat windows vs NeuroKit2 ecg_process:")
        results["side_by_side"] = side_by_side(data_dir, records)
    if not args.skip_24h:
        print("24 hours (48 MIT-BIH records concatenated), in a subprocess:")
        results["day"] = day_run(data_dir)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0
