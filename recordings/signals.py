"""Stored files go when their row goes, however the row is deleted (a page, the API, the admin,
an account's deletion), once that deletion commits: a rolled-back delete loses nothing.

Callbacks run in the order they were made, so a recording's folders are removed after the files
in them (its analyses' result files go the same way: ``analysis.models``).
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from recordings.models import Recording, RecordingFile, delete_stored, remove_owner_folders


@receiver(post_delete, sender=RecordingFile)
def delete_stored_file(sender, instance: RecordingFile, **kwargs) -> None:
    name = instance.file.name
    transaction.on_commit(lambda: delete_stored([name], []))


@receiver(post_delete, sender=Recording)
def delete_recording_folders(sender, instance: Recording, **kwargs) -> None:
    """The recording's folders of originals and of results, left empty by then."""
    folders = [instance.originals_folder, instance.results_folder]
    transaction.on_commit(lambda: delete_stored([], folders))


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def delete_owner_folders(sender, instance, **kwargs) -> None:
    """A deleted user's storage folders, with anything left in them (a file uploaded while the
    deletion ran, which no row names)."""
    owner_id = instance.pk
    transaction.on_commit(lambda: remove_owner_folders(owner_id))
