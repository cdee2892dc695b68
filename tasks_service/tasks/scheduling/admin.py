"""Beat schedules in the admin: a new crontab starts in the shop's time zone, not UTC.

django-celery-beat's own default reads ``<namespace>_TIMEZONE`` and falls back to UTC; a merchandiser
adding a schedule at "06:00" means 06:00 in São Paulo, so the add form starts there.
"""

from __future__ import annotations

from django.contrib import admin
from django_celery_beat.admin import CrontabScheduleAdmin
from django_celery_beat.models import CrontabSchedule

from tasks.scheduling.services import SHOP_TIME_ZONE

admin.site.unregister(CrontabSchedule)


@admin.register(CrontabSchedule)
class ShopTimeCrontabScheduleAdmin(CrontabScheduleAdmin):
    def get_changeform_initial_data(self, request):
        return {"timezone": SHOP_TIME_ZONE, **super().get_changeform_initial_data(request)}
