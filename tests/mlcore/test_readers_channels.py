"""Only ECG channels are leads: respiration, blood pressure, SpO2, EEG, heart rate, ... beside
them are dropped in every format, and a record without any ECG channel is refused by name."""

import numpy as np
import pyedflib
import pytest
import wfdb

from mlcore.datasets import model_lead
from mlcore.errors import InvalidSignalError
from mlcore.readers import describe, read_record, read_span
from tests.mlcore.helpers import synthetic_ecg


def write_fantasia(folder, names=("RESP", "ECG", "BP"), units=("mV", "mV", "mmHg")):
    """Fantasia's layout: respiration, one ECG lead and blood pressure at 250 Hz."""
    n = 2500
    t = np.arange(n) / 250
    signals = {
        "RESP": np.sin(2 * np.pi * 0.25 * t),
        "ECG": synthetic_ecg(n / 250, 250),
        "BP": 90 + 30 * np.sin(2 * np.pi * 1.2 * t),
    }
    x = np.column_stack([signals.get(name, signals["ECG"]) for name in names])
    wfdb.wrsamp(
        "fant",
        fs=250,
        sig_name=list(names),
        units=list(units),
        p_signal=x,
        fmt=["16"] * len(names),
        adc_gain=[{"BP": 100.0}.get(name, 1000.0) for name in names],
        baseline=[0] * len(names),
        write_dir=str(folder),
    )
    return folder / "fant.hea", x


def test_wfdb_respiration_and_blood_pressure_are_not_leads(tmp_path):
    hea, x = write_fantasia(tmp_path)
    sig = read_record(hea)
    assert sig.lead_names == ("ECG",)
    np.testing.assert_allclose(sig.samples[0], x[:, 1], atol=1e-3)
    assert describe(hea).n_leads == 1
    np.testing.assert_allclose(read_span(hea, 500, 1000).samples[0], x[500:1000, 1], atol=1e-3)


def test_wfdb_without_an_ecg_channel_is_refused_listing_its_channels(tmp_path):
    hea, _ = write_fantasia(tmp_path, names=("RESP", "BP"), units=("mV", "mmHg"))
    with pytest.raises(InvalidSignalError, match=r"No ECG channel found in fant.hea \(channels: "):
        read_record(hea)
    with pytest.raises(InvalidSignalError, match=r"RESP, BP \(mmHg\)"):
        read_record(hea)


def test_csv_columns_of_other_signals_are_not_leads(tmp_path):
    fs = 250
    x = synthetic_ecg(2500 / fs, fs)
    rows = [f"{i / fs:.4f},{v:.5f},{75 + i % 3},{97},{0.1 * (i % 50):.2f}" for i, v in enumerate(x)]
    path = tmp_path / "a.csv"
    path.write_text("time,ECG,HR,SpO2,Resp\n" + "\n".join(rows) + "\n")
    sig = read_record(path)
    assert sig.lead_names == ("ECG",)
    np.testing.assert_allclose(sig.samples[0], x, atol=1e-5)


def test_csv_of_heart_rate_only_is_refused(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text("time,HR\n" + "\n".join(f"{i},{70 + i % 5}" for i in range(3600)) + "\n")
    with pytest.raises(InvalidSignalError, match=r"No ECG channel found in hr.csv \(channels: HR"):
        read_record(path)


def edf(path, channels: list[tuple[str, float]], dimension: str = "mV"):
    """An EDF file of 10 s with channels (label, sampling rate)."""
    signals = [synthetic_ecg(10, fs, seed=i) for i, (_, fs) in enumerate(channels)]
    headers = [
        pyedflib.highlevel.make_signal_header(
            label, dimension=dimension, sample_frequency=fs, physical_min=-5, physical_max=5
        )
        for label, fs in channels
    ]
    pyedflib.highlevel.write_edf(str(path), signals, headers)
    return path


@pytest.mark.parametrize(
    ("channels", "leads"),
    [
        ([("ECG1", 256), ("ECG2", 256), ("SpO2", 1)], ("ECG1", "ECG2")),
        ([("ECG_II", 256), ("Pleth", 64)], ("ECG_II",)),
        ([("EKG", 256), ("Resp", 32), ("HR", 1)], ("EKG",)),
        ([("I", 256), ("II", 256), ("aVR", 256), ("V1", 256), ("Lead III", 256)], None),
        ([("MLII", 256), ("V5", 256), ("EEG C3-A2", 128)], ("MLII", "V5")),
        # a Holter that names its channels no more than this: all of them are the ECG
        ([("CH1", 256), ("CH2", 256), ("CH3", 256)], None),
        ([("Channel 1", 256), ("SpO2", 1)], ("Channel 1",)),
    ],
)
def test_edf_ecg_channels_are_recognised_by_label(tmp_path, channels, leads):
    sig = read_record(edf(tmp_path / "a.edf", channels))
    assert sig.lead_names == (leads or tuple(label for label, _ in channels))
    assert sig.fs == 256


def test_edf_without_an_ecg_channel_is_refused(tmp_path):
    path = edf(tmp_path / "sleep.edf", [("EEG Fpz-Cz", 100), ("EOG horizontal", 100)])
    with pytest.raises(InvalidSignalError) as caught:
        read_record(path)
    message = str(caught.value)
    assert "No ECG channel found in sleep.edf (channels: EEG Fpz-Cz, EOG horizontal)" in message
    assert "ECG channels" not in message


@pytest.mark.parametrize(
    ("names", "index"),
    [
        (["RESP", "ECG", "BP"], 1),
        (["Pleth", "ECG1", "ECG2"], 1),
        (["V1", "EKG"], 1),
        (["ECG_V1", "ECG_II"], 1),  # lead II before a generic ECG
        (["ECG", "MLII"], 1),
        (["V1", "V2"], 0),
    ],
)
def test_model_lead_prefers_mlii_then_ii_then_a_lead_named_ecg(names, index):
    assert model_lead(names) == index
