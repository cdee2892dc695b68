"""The admin form that runs a report for any period (start and end days, local time)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from tasks.reports.models import ReportKind

MAX_PERIOD_DAYS = 366


class ReportRunForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date cannot be before the start date."), code="period_reversed")
            if end - start >= timedelta(days=MAX_PERIOD_DAYS):
                raise forms.ValidationError(
                    _("The period may be at most %(days)d days long.") % {"days": MAX_PERIOD_DAYS},
                    code="period_too_long",
                )
        return data
