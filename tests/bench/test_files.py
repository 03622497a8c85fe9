import io

from pypdf import PdfReader

from bench.files import pdf_of_size


def test_it_makes_a_readable_pdf_of_at_least_the_size_asked():
    data = pdf_of_size(200 * 1024)
    assert len(data) >= 200 * 1024
    assert "Kontoauszug" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
