"""Chunked reading returns exactly the spans of a full read, overlaps included."""

import numpy as np
import pyedflib
import pytest
import wfdb

from mlcore.readers import csv_io, edf_io, iter_chunks, read_record, wfdb_io


def _check_chunks(path, full, chunk_s, overlap_s, fs=None):
    chunks = list(iter_chunks(path, chunk_s=chunk_s, overlap_s=overlap_s, fs=fs))
    size, overlap = round(chunk_s * full.fs), round(overlap_s * full.fs)
    assert chunks[0].start == 0
    assert chunks[-1].start + chunks[-1].signal.n_samples == full.n_samples
    for prev, cur in zip(chunks, chunks[1:], strict=False):
        assert cur.start == prev.start + size - overlap
    for c in chunks:
        assert c.signal.samples.dtype == np.float32
        assert c.signal.n_samples <= size
        span = full.samples[:, c.start : c.start + c.signal.n_samples]
        np.testing.assert_array_equal(c.signal.samples, span)
    return chunks


def test_mitdb_100_chunks_equal_full_read(mitdb, monkeypatch):
    full = read_record(mitdb / "100.hea")
    monkeypatch.setattr(wfdb_io, "BLOCK", 7919)  # blocks that straddle chunk borders
    chunks = _check_chunks(mitdb / "100.hea", full, chunk_s=97.3, overlap_s=2.5)
    n_ann = 0
    for c in chunks:
        ann = c.signal.annotations
        expected = full.annotations.samples
        lo, hi = c.start, c.start + c.signal.n_samples
        inside = expected[(expected >= lo) & (expected < hi)]
        np.testing.assert_array_equal(ann.samples + c.start, inside)
        n_ann += len(ann.samples)
    assert n_ann > 2274  # overlaps repeat some annotations


def test_small_blocks_read_the_same_as_wfdb(mitdb, monkeypatch):
    monkeypatch.setattr(wfdb_io, "BLOCK", 1000)
    sig = read_record(mitdb / "100.hea")
    ref = wfdb.rdrecord(str(mitdb / "100"), sampto=5000)
    np.testing.assert_allclose(sig.samples[:, :5000], ref.p_signal.T, atol=1e-6)


def test_csv_chunks_seek_via_checkpoints(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_io, "LINES_PER_BLOCK", 333)
    x = np.sin(np.arange(5000) / 25 + np.arange(2)[:, None])
    t = np.arange(5000) / 500
    path = tmp_path / "a.csv"
    np.savetxt(
        path, np.column_stack([t, *x]), delimiter=",", fmt="%.6f", header="t,I,II", comments=""
    )
    full = read_record(path)
    assert full.fs == 500
    _check_chunks(path, full, chunk_s=2.1, overlap_s=0.7)


def test_edf_and_npy_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(edf_io, "BLOCK", 500)
    x = np.sin(np.arange(2560 * 2) / 30 + np.arange(2)[:, None])
    edf = tmp_path / "a.edf"
    header = [
        pyedflib.highlevel.make_signal_header(
            f"ECG {i}", sample_frequency=256, physical_min=-2, physical_max=2
        )
        for i in range(2)
    ]
    pyedflib.highlevel.write_edf(str(edf), x, header)
    _check_chunks(edf, read_record(edf), chunk_s=3, overlap_s=1)
    npy = tmp_path / "a.npy"
    np.save(npy, x)
    _check_chunks(npy, read_record(npy, fs=256), chunk_s=3, overlap_s=0, fs=256)


def test_chunk_arguments_are_checked(mitdb):
    with pytest.raises(ValueError, match="overlap_s < chunk_s"):
        next(iter_chunks(mitdb / "100.hea", chunk_s=1, overlap_s=1))
