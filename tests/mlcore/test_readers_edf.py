"""EDF/EDF+ reading via pyedflib: round trip, annotations, channel choice, broken files."""

import numpy as np
import pyedflib
import pytest

from mlcore.errors import CorruptRecordError, InvalidSignalError, UnsupportedFormatError
from mlcore.readers import describe, read_record

STEP = 20 / 65535  # physical range -10..10 mV over 16 bits


def _header(label, fs=256, dimension="mV"):
    return pyedflib.highlevel.make_signal_header(
        label, dimension=dimension, sample_frequency=fs, physical_min=-10, physical_max=10
    )


def _signals(n=2560, n_leads=2, seed=0):
    rng = np.random.default_rng(seed)
    return np.sin(np.arange(n) / 40) + 0.2 * rng.normal(size=(n_leads, n))


def test_edf_round_trips_with_labels_units_and_start_time(tmp_path):
    x = _signals()
    path = tmp_path / "a.edf"
    pyedflib.highlevel.write_edf(
        str(path), x, [_header("ECG I"), _header("ECG II", dimension="uV")]
    )
    sig = read_record(path)
    assert sig.fs == 256
    assert sig.lead_names == ("ECG I", "ECG II")
    assert sig.units == ("mV", "mV")  # the uV channel is read in mV
    assert sig.start_time is not None
    np.testing.assert_allclose(sig.samples, x * [[1], [1e-3]], atol=STEP * 1.01)
    assert describe(path).n_samples == x.shape[1]


def test_edf_plus_annotations_become_sample_indices(tmp_path):
    x = _signals()
    path = tmp_path / "b.edf"
    with pyedflib.EdfWriter(str(path), 2, file_type=pyedflib.FILETYPE_EDFPLUS) as w:
        w.setSignalHeaders([_header("ECG I"), _header("ECG II")])
        w.writeSamples(list(x))
        w.writeAnnotation(1.0, -1, "N")
        w.writeAnnotation(2.5, -1, "V")
    sig = read_record(path)
    assert sig.annotations.samples.tolist() == [256, 640]
    assert sig.annotations.symbols.tolist() == ["N", "V"]
    assert describe(path).has_annotations


def test_only_ecg_channels_are_read_when_others_have_other_rates(tmp_path):
    x = _signals(n=2560, n_leads=1)
    resp = _signals(n=320, n_leads=1, seed=1)
    path = tmp_path / "c.edf"
    pyedflib.highlevel.write_edf(
        str(path), [x[0], resp[0]], [_header("ECG II"), _header("Resp", fs=32)]
    )
    sig = read_record(path)
    assert sig.lead_names == ("ECG II",)
    path2 = tmp_path / "d.edf"
    pyedflib.highlevel.write_edf(
        str(path2), [x[0], resp[0]], [_header("ECG II"), _header("ECG V1", fs=32)]
    )
    with pytest.raises(InvalidSignalError, match="different sampling rates"):
        read_record(path2)


def test_truncated_and_garbage_edf(tmp_path):
    path = tmp_path / "a.edf"
    pyedflib.highlevel.write_edf(str(path), _signals(), [_header("ECG I"), _header("ECG II")])
    data = path.read_bytes()
    path.write_bytes(data[:-1000])
    with pytest.raises(CorruptRecordError, match="truncated or damaged"):
        read_record(path)
    path.write_bytes(data[:300])
    with pytest.raises(CorruptRecordError, match="not a valid EDF"):
        read_record(path)
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 10)
    with pytest.raises(UnsupportedFormatError, match="not an EDF/BDF file.*ZIP"):
        read_record(path)


def test_flat_edf_lead_is_rejected(tmp_path):
    x = _signals()
    x[1] = 0.5
    path = tmp_path / "a.edf"
    pyedflib.highlevel.write_edf(str(path), x, [_header("ECG I"), _header("ECG II")])
    with pytest.raises(InvalidSignalError, match="ECG II is flat"):
        read_record(path)


def test_digital_maximum_not_above_minimum_is_refused_by_channel(tmp_path):
    path = tmp_path / "a.edf"
    pyedflib.highlevel.write_edf(
        str(path),
        _signals(),
        [_header("ECG I"), _header("ECG II")],
        file_type=pyedflib.FILETYPE_EDF,
    )
    data = bytearray(path.read_bytes())
    n = int(data[252:256])
    digital_min = 256 + n * (16 + 80 + 8 + 8 + 8)  # label, transducer, dimension, physical range
    digital_max = digital_min + n * 8
    data[digital_max + 8 : digital_max + 16] = data[digital_min + 8 : digital_min + 16]  # ECG II
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptRecordError, match=r"channel ECG II a digital maximum \(-32768\)"):
        read_record(path)
