"""Filters, resampling, normalisation and the preprocess pipeline (property-based where it helps)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlcore.errors import SignalError
from mlcore.preprocess import (
    MODEL_FS,
    PreprocessConfig,
    bandpass,
    normalize,
    notch,
    preprocess,
    remove_baseline,
    resample,
)
from mlcore.signal import Annotations, ECGSignal

FS = 250.0
finite = st.floats(-1e3, 1e3, allow_nan=False, width=32)
signals = st.one_of(
    arrays(np.float32, st.integers(2, 600), elements=finite),
    arrays(np.float32, st.tuples(st.integers(1, 3), st.integers(2, 600)), elements=finite),
)


@settings(max_examples=60, deadline=None)
@given(signals)
def test_filters_keep_shape_dtype_and_finiteness(x):
    for y in (bandpass(x, FS), remove_baseline(x, FS), notch(x, FS, 50.0), normalize(x)):
        assert y.shape == x.shape
        assert y.dtype == np.float32
        assert np.all(np.isfinite(y))


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float32, 500, elements=st.floats(-10, 10, width=32)),
    arrays(np.float32, 500, elements=st.floats(-10, 10, width=32)),
    st.floats(-5, 5),
    st.floats(-5, 5),
)
def test_bandpass_is_linear(x, y, a, b):
    combined = bandpass(a * x + b * y, FS)
    separate = a * bandpass(x, FS) + b * bandpass(y, FS)
    assert np.allclose(combined, separate, atol=1e-3 * (1 + np.abs(separate).max()))


@pytest.mark.parametrize("width_s", [0.01, 0.03, 0.08])
def test_bandpass_adds_no_lag_to_a_symmetric_pulse(width_s):
    t = np.arange(2001) / FS
    centre = 1000
    pulse = np.exp(-0.5 * ((t - t[centre]) / width_s) ** 2).astype(np.float32)
    y = bandpass(pulse, FS)
    assert int(np.argmax(y)) == centre
    assert np.allclose(y[centre - 200 : centre], y[centre + 200 : centre : -1], atol=1e-4)


@settings(max_examples=30, deadline=None)
@given(st.floats(-1e3, 1e3), st.floats(0.1, 10))
def test_bandpass_removes_dc(offset, amplitude):
    t = np.arange(int(20 * FS)) / FS
    x = (offset + amplitude * np.sin(2 * np.pi * 10 * t)).astype(np.float32)
    y = bandpass(x, FS)
    middle = y[int(5 * FS) : int(15 * FS)]
    assert abs(middle.mean()) < 1e-2 * amplitude + 1e-3
    assert np.isclose(middle.std(), amplitude / np.sqrt(2), rtol=0.05)


def test_remove_baseline_removes_slow_wander_and_keeps_qrs_band():
    t = np.arange(int(30 * FS)) / FS
    wander = 2.0 * np.sin(2 * np.pi * 0.1 * t)
    qrs = np.sin(2 * np.pi * 15 * t)
    y = remove_baseline((wander + qrs).astype(np.float32), FS)
    core = slice(int(5 * FS), int(25 * FS))
    assert np.abs(y[core] - qrs[core]).max() < 0.1


def test_notch_removes_mains_and_keeps_ecg_band():
    t = np.arange(int(10 * FS)) / FS
    ecg = np.sin(2 * np.pi * 8 * t)
    mains = 0.5 * np.sin(2 * np.pi * 50 * t)
    y = notch((ecg + mains).astype(np.float32), FS, 50.0)
    core = slice(int(2 * FS), int(8 * FS))
    assert np.abs(y[core] - ecg[core]).max() < 0.05


@pytest.mark.parametrize(("fs_in", "fs_out"), [(360, 128), (250, 360), (257, 360), (500, 360)])
def test_resample_length_and_frequency(fs_in, fs_out):
    t = np.arange(int(10 * fs_in)) / fs_in
    x = np.sin(2 * np.pi * 5 * t).astype(np.float32)
    y = resample(x, fs_in, fs_out)
    assert y.dtype == np.float32
    assert abs(len(y) - 10 * fs_out) <= 1
    spectrum = np.abs(np.fft.rfft(y))
    assert np.isclose(np.argmax(spectrum) * fs_out / len(y), 5.0, atol=0.2)


@settings(max_examples=40, deadline=None)
@given(signals, st.sampled_from([128.0, 250.0, 257.0, 360.0, 500.0]))
def test_resample_output_is_finite_with_the_expected_length(x, fs_out):
    y = resample(x, FS, fs_out)
    assert y.dtype == np.float32
    assert y.shape[:-1] == x.shape[:-1]
    assert abs(y.shape[-1] - x.shape[-1] * fs_out / FS) <= 1
    assert np.all(np.isfinite(y))


@settings(max_examples=40, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 3), st.integers(10, 300)), elements=finite))
def test_normalize_is_robust_per_lead(x):
    y = normalize(x)
    assert np.allclose(np.median(y, axis=1), 0, atol=1e-3)
    assert np.all(np.isfinite(y))
    spread = np.ptp(x, axis=1) > 1e-3
    mad = 1.4826 * np.median(np.abs(y - np.median(y, axis=1, keepdims=True)), axis=1)
    std = y.std(axis=1)
    assert np.all(~spread | np.isclose(mad, 1, atol=1e-2) | np.isclose(std, 1, atol=1e-2))


def test_preprocess_resamples_signal_and_annotations():
    fs = 250.0
    t = np.arange(int(10 * fs)) / fs
    x = np.stack([np.sin(2 * np.pi * 5 * t), 3 + np.cos(2 * np.pi * 7 * t)]).astype(np.float32)
    ann = Annotations(samples=np.array([0, 250, 2000]), symbols=np.array(["N", "V", "N"]))
    sig = ECGSignal(samples=x, fs=fs, lead_names=("I", "II"), units=("mV", "mV"), annotations=ann)
    out = preprocess(sig, PreprocessConfig(notch_hz=50.0))
    assert out.fs == MODEL_FS
    assert out.samples.shape == (2, 3600)
    assert out.samples.dtype == np.float32
    assert out.annotations.samples.tolist() == [0, 360, 2880]
    assert out.annotations.symbols.tolist() == ["N", "V", "N"]
    assert np.allclose(np.median(out.samples, axis=1), 0, atol=1e-3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: bandpass(np.full(1000, np.nan), FS), "NaN"),
        (lambda: bandpass(np.ones(1000), 0.0), "sampling rate"),
        (lambda: bandpass(np.ones(1000), -5.0), "sampling rate"),
        (lambda: bandpass(np.ones(1000), 1e7), "sampling rate"),
        (lambda: bandpass(np.ones(1000), FS, 50.0, 10.0), "low < high"),
        (lambda: resample(np.array([]), FS, 360.0), "empty"),
        (lambda: resample(np.array([1.0]), FS, 360.0), "too short"),
        (lambda: notch(np.ones(1000), FS, -50.0), "notch"),
        (lambda: normalize(np.array([1.0, np.inf])), "NaN or infinite"),
        (
            lambda: preprocess(ECGSignal(np.ones((1, 10), np.float32), 360.0, ("I",), ("mV",))),
            "too short",
        ),
    ],
)
def test_bad_input_raises_signal_error(call, message):
    with pytest.raises(SignalError, match=message):
        call()
