"""The upload form accepts file names over 255 bytes in UTF-8, shortened before the extension."""

from pathlib import Path

from django.urls import reverse

from recordings.ingest import user_message
from recordings.models import Recording
from tests.platform.helpers import upload_file


def test_long_non_ascii_name(alice_client, ecg_csv):
    name = "é" * 200 + ".csv"
    response = alice_client.post(
        reverse("upload"), {"files": [upload_file(ecg_csv, name)], "sampling_rate": "250"}
    )
    assert response.status_code == 302, response.content[-2000:]
    stored = Recording.objects.get().files.get()
    assert stored.name == "é" * 125 + ".csv"  # 250 + 4 bytes
    assert stored.file.read() == ecg_csv.read_bytes()


def test_messages_show_the_users_names_and_no_server_folder():
    folder = Path("/tmp/beatline-upload-abc123")
    message = f"REC.hea cannot be read: No such file ({folder}/REC.hea); see REC.hea."
    shown = user_message(message, folder, {"REC.hea": "REC.HEA", "a.csv": "a.csv"})
    assert shown == "REC.HEA cannot be read: No such file (REC.HEA); see REC.HEA."


def test_a_name_that_is_only_an_extension_says_so(alice_client, ecg_csv):
    for name in (".csv", "..csv", ".hea"):
        response = alice_client.post(
            reverse("upload"), {"files": [upload_file(ecg_csv, name)], "sampling_rate": "250"}
        )
        assert response.status_code == 400
        suffix = name.rsplit(".", 1)[1]
        assert f"{name} has no name before its extension" in response.text
        assert f"e.g. to recording.{suffix}" in response.text
    assert not Recording.objects.exists()
