import hashlib

from django.db import migrations, models


def hash_stored_files(apps, schema_editor) -> None:
    """Files uploaded before the hash was kept get it from their stored bytes; a file missing from
    storage keeps an empty hash rather than stopping the migration."""
    RecordingFile = apps.get_model("recordings", "RecordingFile")
    for stored in RecordingFile.objects.filter(sha256="").iterator():
        try:
            with stored.file.open("rb") as fh:
                stored.sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError:
            continue
        stored.save(update_fields=["sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("recordings", "0004_recording_clock_start"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordingfile",
            name="sha256",
            field=models.CharField(
                blank=True,
                help_text="SHA-256 of the file's bytes, in hex, to check a copy against the original",
                max_length=64,
            ),
        ),
        migrations.RunPython(hash_stored_files, migrations.RunPython.noop),
    ]
