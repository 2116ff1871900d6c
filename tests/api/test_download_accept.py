"""Downloads answer a client that asks for their own type, and their errors stay JSON."""

from tests.api.helpers import API, assert_error


def test_a_file_and_the_pdf_can_be_asked_for_by_their_type(api_alice, alices_objects):
    rec, analysis = alices_objects.recording, alices_objects.analysis
    file_url = f"{API}/recordings/{rec.pk}/files/{alices_objects.file_name}"
    raw = api_alice.get(file_url, HTTP_ACCEPT="application/octet-stream")
    assert raw.status_code == 200 and raw["Content-Type"] == "application/octet-stream"
    pdf = api_alice.get(f"{API}/analyses/{analysis.pk}/report.pdf", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    missing = api_alice.get(
        f"{API}/recordings/{rec.pk}/files/nope.dat", HTTP_ACCEPT="application/octet-stream"
    )
    assert missing["Content-Type"] == "application/json"
    assert_error(missing, 404, "not_found")
    # Asking for a type the endpoint never answers is still a 406.
    assert_error(api_alice.get(file_url, HTTP_ACCEPT="image/png"), 406, "not_acceptable")
