"""A CSV whose time column does not start at 0 (a slice cut from a longer export) keeps where it
starts: every time Beatline gives counts from the first sample, and the recording page, the API and
results.json say what to add to compare with the file's own times."""

import numpy as np
from django.urls import reverse

from tests.platform.helpers import analysed_upload, make_csv, upload_file


def test_a_time_column_starting_at_300_s(alice_client, tmp_path):
    path = make_csv(tmp_path / "slice.csv", seconds=20.0, time_column=True)
    rows = np.loadtxt(path, delimiter=",", skiprows=1)
    rows[:, 0] += 300.0
    np.savetxt(path, rows, delimiter=",", header="time,I,II", comments="", fmt="%.5f")

    analysis = analysed_upload(alice_client, [upload_file(path)])
    recording = analysis.recording
    assert recording.time_origin_s == 300.0

    page = alice_client.get(reverse("recording_detail", args=[recording.pk])).content.decode()
    assert "starts at 300 s; times here count from its first sample, so add 300 s" in page
    api = alice_client.get(f"/api/v1/recordings/{recording.pk}/").json()
    assert api["time_origin_s"] == 300.0
    results = alice_client.get(reverse("analysis_results_json", args=[analysis.pk])).json()
    assert results["recording"]["time_origin_s"] == 300.0
    beats = alice_client.get(reverse("analysis_beats_csv", args=[analysis.pk]))
    lines = beats.getvalue().decode().splitlines()
    assert lines[0] == "time_s,class,confidence,anomaly_score,sample"
    rows = [line.split(",") for line in lines[1:]]
    assert 0 < float(rows[0][0]) < 1  # the first spike is 0.4 s in: counted from the first sample
    # the spikes are at 0.4 s + 0.8 s k: samples 100 + 200 k of the 250 Hz file, give or take
    # the R peak's placement on the 360 Hz grid
    samples = np.array([int(row[4]) for row in rows])
    assert np.abs((samples - 100) - 200 * np.round((samples - 100) / 200)).max() <= 2
    assert all(abs(int(row[4]) - float(row[0]) * 250) <= 0.5 + 1e-3 for row in rows)  # nearest


def test_a_file_counting_from_zero_says_nothing_of_it(alice_client, tmp_path):
    path = make_csv(tmp_path / "plain.csv", seconds=20.0, time_column=True)
    recording = analysed_upload(alice_client, [upload_file(path)]).recording
    assert recording.time_origin_s == 0.0
    page = alice_client.get(reverse("recording_detail", args=[recording.pk])).content.decode()
    assert "File's time column" not in page
