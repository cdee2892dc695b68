"""What a browser sends back for an admin change page: the form as it was rendered, unchanged."""

from __future__ import annotations

from django import forms


def form_as_loaded(response) -> dict:
    """The POST data of the change page in ``response`` (main form and every inline), as rendered.

    A test edits one value of it and posts it later, exactly like a merchandiser whose page stayed open.
    """
    data: dict = {}
    _add(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add(data, form)
    return data


def _add(data: dict, form: forms.BaseForm) -> None:
    for bound in form:
        value = bound.value()
        if isinstance(bound.field.widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
