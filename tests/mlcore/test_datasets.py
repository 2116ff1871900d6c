import shutil

import numpy as np
import wfdb

from mlcore import datasets
from mlcore.segment import AAMI_CLASSES
from tests.mlcore.helpers import write_slice


def test_de_chazal_split_is_disjoint_and_excludes_paced_records():
    ds1, ds2 = set(datasets.DS1), set(datasets.DS2)
    assert len(ds1) == len(ds2) == 22
    assert not ds1 & ds2
    assert not (ds1 | ds2) & set(datasets.PACED)
    assert set(datasets.VALIDATION) <= ds1


def test_mitdb_beats_from_a_record_slice(mitdb, tmp_path):
    ann = write_slice(mitdb, tmp_path, "119", 120)
    data = datasets.mitdb_beats(["119"], data_dir=tmp_path, leads=2, cache=False)
    n_annotated = sum(s in "NLRejAaJSVEF/fQ" for s in ann.symbol)
    assert 0 <= n_annotated - len(data) <= 2  # only beats at the very edges are dropped
    assert data.windows.shape == (len(data), 2, 252)
    assert data.diff.shape == data.windows.shape
    assert data.inputs("beat+diff").shape == (len(data), 4, 252)
    counts = data.class_counts()
    assert counts[AAMI_CLASSES.index("V")] > 0  # record 119 has many PVCs
    assert counts.sum() == len(data)
    assert set(data.groups) == {"119"}


def test_cached_beats_read_back_equal_and_leave_no_partial_file(mitdb, tmp_path, monkeypatch):
    write_slice(mitdb, tmp_path, "119", 30)
    monkeypatch.setattr(datasets, "CACHE_DIR", tmp_path / "cache")
    built = datasets.mitdb_beats(["119"], data_dir=tmp_path, leads=1)
    [cached] = (tmp_path / "cache").iterdir()  # one finished file, no ".partial" left beside it
    assert cached.name.startswith("beats-119-") and ".partial" not in cached.name
    read = datasets.mitdb_beats(["119"], data_dir=tmp_path, leads=1)
    np.testing.assert_array_equal(read.windows, built.windows)
    np.testing.assert_array_equal(read.labels, built.labels)


def test_beats_are_cut_from_mlii_even_where_it_is_not_the_first_lead(mitdb, tmp_path):
    write_slice(mitdb, tmp_path, "114", 60)  # record 114 is stored as V5, MLII
    mlii = wfdb.rdrecord(str(tmp_path / "114"), channels=[1])
    assert mlii.sig_name == ["MLII"]
    only_mlii = tmp_path / "mlii"
    only_mlii.mkdir()
    wfdb.wrsamp(
        "114",
        fs=360,
        units=["mV"],
        sig_name=["MLII"],
        p_signal=mlii.p_signal,
        fmt=["16"],
        write_dir=str(only_mlii),
    )
    shutil.copy(tmp_path / "114.atr", only_mlii / "114.atr")
    both = datasets.mitdb_beats(["114"], data_dir=tmp_path, leads=1, cache=False)
    alone = datasets.mitdb_beats(["114"], data_dir=only_mlii, leads=1, cache=False)
    np.testing.assert_allclose(both.windows, alone.windows, atol=1e-5)


def test_ecg5000_has_the_published_split(ecg5000):
    train, test = datasets.ecg5000(ecg5000)
    assert train.windows.shape == (500, 1, 140)
    assert test.windows.shape == (4500, 1, 140)
    assert train.class_counts().tolist() == [292, 177, 10, 19, 2]
    assert test.labels.min() == 0 and test.labels.max() == 4
    assert train.rr.shape == (500, 0)
    assert np.isfinite(test.windows).all()
