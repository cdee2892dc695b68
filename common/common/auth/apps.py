from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonAuthConfig(AppConfig):
    """JWT verification for every service, plus the read model of accounts' users (``KnownUser``)."""

    name = "common.auth"
    label = "common_auth"  # "auth" is django.contrib.auth's label
    verbose_name = _("Accounts users (read model)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # After django.contrib.admin's autodiscover (earlier in INSTALLED_APPS): every admin is registered.
        from django.contrib import admin

        from common.admin import plumbing_for_superusers_only

        plumbing_for_superusers_only(admin.site)
