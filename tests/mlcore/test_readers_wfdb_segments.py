"""Multi-segment WFDB records: MIMIC's variable layout is read; a gap ('~' segment) is refused
with a message saying so."""

import numpy as np
import pytest
import wfdb

from mlcore.errors import InvalidSignalError
from mlcore.readers import read_record, read_span


def write_segments(folder, n: int = 2500) -> np.ndarray:
    t = np.arange(n) / 250
    x = np.column_stack([np.sin(2 * np.pi * 1.2 * t), np.cos(2 * np.pi * 1.2 * t)])
    for seg in ("ms_0", "ms_1"):
        wfdb.wrsamp(
            seg,
            fs=250,
            units=["mV", "mV"],
            sig_name=["II", "V"],
            p_signal=x,
            fmt=["16", "16"],
            adc_gain=[200.0, 200.0],
            baseline=[0, 0],
            write_dir=str(folder),
        )
    return x


def test_variable_layout_record_is_read(tmp_path):
    x = write_segments(tmp_path)
    (tmp_path / "ms_layout.hea").write_text(
        "ms_layout 2 250 0\n~ 0 200/mV 16 0 0 0 0 II\n~ 0 200/mV 16 0 0 0 0 V\n"
    )
    (tmp_path / "ms.hea").write_text("ms/3 2 250 5000\nms_layout 0\nms_0 2500\nms_1 2500\n")
    sig = read_record(tmp_path / "ms.hea")
    assert sig.lead_names == ("II", "V")
    np.testing.assert_allclose(sig.samples, np.vstack([x, x]).T, atol=0.5 / 200 + 1e-6)
    assert read_span(tmp_path / "ms.hea", 2400, 2600).n_samples == 200


@pytest.mark.parametrize("layout", ["fixed", "variable"])
def test_a_gap_segment_is_refused_as_a_gap(tmp_path, layout):
    write_segments(tmp_path)
    lines = ["ms_0 2500", "~ 2500", "ms_1 2500"]
    if layout == "variable":
        (tmp_path / "ms_layout.hea").write_text(
            "ms_layout 2 250 0\n~ 0 200/mV 16 0 0 0 0 II\n~ 0 200/mV 16 0 0 0 0 V\n"
        )
        lines.insert(0, "ms_layout 0")
    (tmp_path / "ms.hea").write_text(f"ms/{len(lines)} 2 250 7500\n" + "\n".join(lines) + "\n")
    with pytest.raises(InvalidSignalError) as caught:
        read_record(tmp_path / "ms.hea")
    message = str(caught.value)
    assert "gap without signal of 2500 samples (10.0 s) starting at 10.0 s" in message
    assert "gaps are not supported" in message
    assert "NoneType" not in message
