"""A CSV time column whose unit is not named is read as seconds; milliseconds are guessed only
where seconds cannot be meant, so a slow recording in seconds is refused with its own rate."""

import numpy as np
import pytest

from mlcore.errors import InvalidSignalError
from mlcore.readers import describe, iter_chunks, read_record


def values(n: int) -> np.ndarray:
    return np.sin(np.arange(n) / 3) + 0.01 * np.arange(n) % 0.7


def write(path, header: str, times: np.ndarray, fmt: str = "{:g}") -> None:
    rows = [f"{fmt.format(t)},{v:.5f}" for t, v in zip(times, values(len(times)), strict=True)]
    path.write_text(header + "\n" + "\n".join(rows) + "\n")


def test_10_hz_in_seconds_is_refused_as_10_hz_not_read_as_10_khz(tmp_path):
    path = tmp_path / "slow.csv"
    write(path, "time,value", np.arange(600) / 10)
    with pytest.raises(InvalidSignalError) as caught:
        read_record(path)
    message = str(caught.value)
    assert "slow.csv (from its time column, read as seconds) is 10 Hz, outside" in message
    assert "25-20000 Hz" in message
    assert "10000 Hz" not in message


def test_a_time_column_named_in_seconds_is_not_taken_for_milliseconds(tmp_path):
    path = tmp_path / "trend.csv"
    write(path, "time (s),value", np.arange(3600))  # 1 Hz: one value a second
    with pytest.raises(InvalidSignalError, match=r"is 1 Hz, outside"):
        read_record(path)


@pytest.mark.parametrize(
    ("times", "fs"),
    [
        (np.arange(5000) * 1.0, 1000.0),  # 0, 1, 2, ... ms
        (np.round(np.arange(3600) * 1000 / 360), 360.0),  # whole ms, rounded
        (np.arange(3600) * 1000 / 360 + 17, 360.0),  # fractional ms
        (np.arange(3600) * 1e6 / 360, 360.0),  # µs
    ],
)
def test_milliseconds_and_microseconds_are_still_guessed(tmp_path, times, fs):
    path = tmp_path / "a.csv"
    write(path, "timestamp,MLII", times, fmt="{:.4f}")
    assert read_record(path).fs == fs


def test_a_named_unit_is_used_as_it_is(tmp_path):
    path = tmp_path / "a.csv"
    write(path, "time_ms,MLII", np.arange(5000) * 0.5)
    assert read_record(path).fs == 2000.0


@pytest.mark.parametrize(
    ("header", "times", "origin"),
    [
        ("time,value", 300 + np.arange(2000) / 250, 300.0),
        ("t_ms,value", 300_000 + np.arange(2000) * 4.0, 300.0),  # milliseconds, guessed
        ("time (ms),value", 1500 + np.arange(2000) * 4.0, 1.5),
        ("time,value", np.arange(2000) / 250, 0.0),
    ],
)
def test_the_time_columns_origin_is_kept_in_seconds(tmp_path, header, times, origin):
    path = tmp_path / "late.csv"
    write(path, header, times, fmt="{:.3f}")
    assert describe(path).time_origin_s == pytest.approx(origin)
    assert read_record(path).time_origin_s == pytest.approx(origin)
    chunks = list(iter_chunks(path, chunk_s=3.0))
    assert [c.signal.time_origin_s for c in chunks] == pytest.approx(
        [origin, origin + 3.0, origin + 6.0]
    )
