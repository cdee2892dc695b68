from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopperActivityConfig(AppConfig):
    """What shoppers do on the catalog: searches (log, zero-result analytics, the search event) and
    signed-in product views (browsing history, the view event)."""

    name = "catalog.shopper_activity"
    label = "shopper_activity"
    verbose_name = _("Shopper activity")
    default_auto_field = "django.db.models.BigAutoField"
