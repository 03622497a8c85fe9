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


def test_it_puts_a_select_into_kerns_select_wrapper_and_ties_hint_and_error():
    from django import forms

    class Form(forms.Form):
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], help_text="Pick one")
        flag = forms.NullBooleanField()
        name = forms.CharField()

    form = Form({"kind": "x", "name": "Ada"})
    form.is_valid()
    select = render_to_string("components/field.html", {"field": form["kind"]})
    wrapper = select.index('class="kern-form-input__select-wrapper"')
    assert wrapper < select.index("<select") < select.index("</select>") < select.index("</div>", wrapper)
    assert 'aria-describedby="id_kind-hint id_kind-error"' in select and 'aria-invalid="true"' in select
    assert "kern-form-input__select-wrapper" in render_to_string("components/field.html", {"field": form["flag"]})
    text = render_to_string("components/field.html", {"field": form["name"]})
    assert "select-wrapper" not in text and 'class="kern-form-input__input"' in text
