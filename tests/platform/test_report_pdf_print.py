"""The PDF reads on paper: every page names the report and its number, and the strips say their
scale (they are not drawn to 25 mm/s)."""

import base64
import re
import zlib

from django.urls import reverse

from tests.platform.helpers import analysed_upload, wfdb_slice


def page_texts(pdf: bytes) -> str:
    """The PDF's content streams, decoded (reportlab writes them ASCII85 over Flate)."""
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S)
    texts = []
    for data in streams:
        try:
            texts.append(
                zlib.decompress(base64.a85decode(data.strip(), adobe=True)).decode("latin-1")
            )
        except (ValueError, zlib.error):
            continue  # an image, or another encoding
    return "\n".join(texts)


def test_pages_are_numbered_and_named(alice_client, mitdb, tmp_path):
    analysis = analysed_upload(alice_client, wfdb_slice(mitdb, "119", 20, tmp_path))
    pdf = alice_client.get(reverse("analysis_report_pdf", args=[analysis.pk])).content
    text = page_texts(pdf)
    assert "(page 1)" in text
    assert f"analysis {analysis.pk}" in text and analysis.recording.name in text
    strip = alice_client.get(reverse("event_strip", args=[analysis.pk, analysis.events.first().pk]))
    assert strip.status_code == 200


def test_names_beyond_latin_1_are_drawn_in_a_font_that_has_their_letters(
    alice_client, mitdb, tmp_path
):
    analysis = analysed_upload(alice_client, wfdb_slice(mitdb, "119", 20, tmp_path))
    analysis.recording.name = "Łódź Ωμέγα Ёжик"
    analysis.recording.save()
    pdf = alice_client.get(reverse("analysis_report_pdf", args=[analysis.pk])).content
    fonts = set(re.findall(rb"/BaseFont /(?:[A-Z]{6}\+)?([\w-]+)", pdf))
    assert b"DejaVuSans" in fonts and b"DejaVuSans-Bold" in fonts
    assert not fonts & {b"Helvetica", b"ZapfDingbats"}  # Helvetica draws none of these letters
    assert "(page 1)" in page_texts(pdf)
