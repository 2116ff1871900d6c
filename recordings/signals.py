"""Stored files go when their row goes, however the row is deleted."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from recordings.models import RecordingFile


@receiver(post_delete, sender=RecordingFile)
def delete_stored_file(sender, instance: RecordingFile, **kwargs) -> None:
    instance.file.delete(save=False)
