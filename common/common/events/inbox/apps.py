from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "common.events.inbox"
    label = "inbox"
    verbose_name = _("Event inbox")
    default_auto_field = "django.db.models.BigAutoField"
