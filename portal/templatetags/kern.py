"""Template helpers for the KERN UX components in templates/components/."""

from __future__ import annotations

from django import template
from django.forms import BoundField, CheckboxInput, Select, Textarea

register = template.Library()


@register.simple_tag
def kern_input(field: BoundField) -> str:
    """The field's widget with KERN's class and its hint and error tied to it
    (``aria-describedby``, ``aria-invalid``), ids as templates/components/field.html names them."""
    widget = field.field.widget
    if isinstance(widget, CheckboxInput):
        css = "kern-form-check__checkbox"
    elif isinstance(widget, Select):
        css = "kern-form-input__select"
    else:
        css = "kern-form-input__input"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    attrs = {"class": css}
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["class"] += f" {css}--error"
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if isinstance(widget, Textarea):
        attrs["class"] += " portal-textarea"
    return field.as_widget(attrs=attrs)
