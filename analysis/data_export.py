"""Everything an account holds, as one zip: each recording's original files and questionnaire, and
each succeeded analysis's downloads (results.json, beats or rows CSV, events CSV), byte for byte
as the recording page gives them. Reports are left out: their PDFs take seconds each to draw.

The zip is written as it is sent (entries with data descriptors, so nothing is held in memory
or on disk), a file at a time in pieces of ``PIECE`` bytes.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from analysis import exports
from analysis.models import Analysis
from recordings.models import Questionnaire, Recording
from recordings.serializers import QuestionnaireSerializer

PIECE = 1 << 20

README = """Beatline: everything the account {username} held on {date}.

account.json lists the recordings and their analyses. Each recording's folder holds its original
files (files/, byte for byte as uploaded: account.json gives their SHA-256), its questionnaire
(questionnaire.json, once answered), and for each succeeded analysis a folder with the recording
page's downloads: results.json (summary, model versions, events), beats.csv (or rows.csv for a
beat table) and events.csv. Reports are not included: open each analysis's report to print or
download it.
"""
MISSING = "This could not be read from storage; ask the site's administrators about it.\n"


class Sink:
    """A write-only, unseekable file whose writes are taken away as they come."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.pieces = b"".join(self.pieces), []
        return data


def folder(recording: Recording) -> str:
    return f"{recording.pk}-{slugify(recording.name) or 'recording'}"


def listing(user: User, recordings: list[Recording]) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "date_joined": user.date_joined.isoformat(),
        "exported": timezone.now().isoformat(timespec="seconds"),
        "recordings": [
            {
                "id": rec.pk,
                "name": rec.name,
                "format": rec.format,
                "uploaded": rec.created.isoformat(),
                "folder": folder(rec),
                "files": [
                    {"name": f.name, "size": f.size, "sha256": f.sha256} for f in rec.files.all()
                ],
                "analyses": [
                    {"id": a.pk, "status": a.status, "created": a.created.isoformat()}
                    for a in rec.analyses.all()
                ],
            }
            for rec in recordings
        ],
    }


def downloads(analysis: Analysis) -> list[tuple[str, Iterator[bytes]]]:
    """The recording page's downloads of one succeeded analysis, as (file name, content)."""
    beats = exports.beats_csv(analysis)
    name = "rows.csv" if analysis.recording.is_beat_table else "beats.csv"
    return [
        ("results.json", iter([exports.results_json(analysis).content])),
        (name, iter(beats.streaming_content)),
        ("events.csv", iter([exports.events_csv(analysis).content])),
    ]


def entries(user: User, recordings: list[Recording]) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Every file of the zip, in order, as (path in the zip, content)."""
    readme = README.format(username=user.username, date=f"{timezone.now():%Y-%m-%d}")
    yield "README.txt", iter([readme.encode()])
    yield "account.json", iter([json.dumps(listing(user, recordings), indent=1).encode()])
    for rec in recordings:
        base = folder(rec)
        for item in rec.files.all():
            if default_storage.exists(item.file.name):
                yield f"{base}/files/{item.name}", stored_pieces(item.file)
            else:  # never expected; said in the zip rather than cutting the download short
                yield f"{base}/files/{item.name}.missing.txt", iter([MISSING.encode()])
        answers = Questionnaire.objects.filter(recording=rec).first()
        if answers is not None:
            body = json.dumps(QuestionnaireSerializer(answers).data, indent=1).encode()
            yield f"{base}/questionnaire.json", iter([body])
        for analysis in rec.analyses.filter(status=Analysis.Status.SUCCEEDED):
            where = f"{base}/analysis-{analysis.pk}"
            if default_storage.exists((analysis.artefacts or {}).get("results") or "-"):
                for name, content in downloads(analysis):
                    yield f"{where}/{name}", content
            else:  # never expected, as above
                yield f"{where}/results.missing.txt", iter([MISSING.encode()])


def stored_pieces(field) -> Iterator[bytes]:
    with field.open("rb") as stored:
        while piece := stored.read(PIECE):
            yield piece


def zip_pieces(user: User) -> Iterator[bytes]:
    recordings = list(user.recordings.prefetch_related("files", "analyses").order_by("pk"))
    sink = Sink()
    dated = timezone.localtime().timetuple()[:6]  # else each entry says 1980-01-01
    with zipfile.ZipFile(sink, "w") as archive:
        for path, content in entries(user, recordings):
            info = zipfile.ZipInfo(path, date_time=dated)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as entry:
                for piece in content:
                    entry.write(piece)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def account_zip(user: User) -> StreamingHttpResponse:
    response = StreamingHttpResponse(zip_pieces(user), content_type="application/zip")
    name = f"beatline-{slugify(user.username) or 'account'}-{timezone.now():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
