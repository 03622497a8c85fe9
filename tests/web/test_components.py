"""The KERN component includes render what a page hands them."""

from django.template.loader import render_to_string


def test_it_renders_a_table_with_caption_and_column_headers():
    html = render_to_string(
        "components/table.html", {"caption": "Termine", "headers": ["Tag", "Uhrzeit"], "rows": [["Mo", "9:00"]]}
    )
    assert "<caption" in html and "Termine" in html
    assert html.count('scope="col"') == 2 and "<td" in html and "9:00" in html


def test_it_renders_a_notice_with_its_kind_and_role():
    html = render_to_string("components/notice.html", {"kind": "warning", "title": "Frist", "text": "Bis Freitag"})
    assert "kern-alert--warning" in html and 'role="status"' in html
    assert "Frist" in html and "Bis Freitag" in html


def test_it_renders_a_secondary_button():
    html = render_to_string("components/button.html", {"label": "Zurück", "variant": "secondary", "type": "button"})
    assert 'class="kern-btn kern-btn--secondary"' in html and 'type="button"' in html and "Zurück" in html
