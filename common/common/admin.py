"""Admin bases shared by the services' admins.

- ``NoManualEditsAdmin`` / ``ReadOnlyAdmin``: rows that events, services or providers write, never a
  person by hand.
- ``SuperuserOnlyAdmin``: the roles rule. Merchandisers and customer support see only the tables their
  group's permissions open; the plumbing (event outbox, inbox, dead letters, known users) is for
  superusers only, whatever permissions a group was given. Mix it in first:
  ``class OutboxMessageAdmin(SuperuserOnlyAdmin, NoManualEditsAdmin)``.
- ``MoneyColumnsAdmin``: money columns of the changelist as ``R$ 1.234,56``.
"""

from django.conf import settings
from django.contrib import admin

from common.brazil.formatting import money_brl


class NoManualEditsAdmin(admin.ModelAdmin):
    """Listed and viewable (and deletable where the model allows it), but never added or edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(NoManualEditsAdmin):
    """Only shown: not added, edited or deleted from the admin."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def is_superuser(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_superuser)


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Developer plumbing: hidden from the admin index and refused (403) to anyone but a superuser."""

    def has_module_permission(self, request) -> bool:
        return is_superuser(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return is_superuser(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_superuser(request) and super().has_delete_permission(request, obj)


class MoneyColumnsAdmin(admin.ModelAdmin):
    """Money columns as Brazilians read them, ``R$ 1.234,56`` (``common.brazil.formatting.money_brl``).

    List the admin's money fields in ``money_fields``: the changelist shows each of them formatted (still
    sorted by the field) instead of the bare ``1234,56`` Django prints for a decimal.
    """

    money_fields: tuple[str, ...] = ()

    def get_list_display(self, request):
        return [
            self._money_column(name) if isinstance(name, str) and name in self.money_fields else name
            for name in super().get_list_display(request)
        ]

    def _money_column(self, name: str):
        field = self.model._meta.get_field(name)
        empty = self.get_empty_value_display()

        @admin.display(description=field.verbose_name, ordering=name)
        def column(obj):
            value = getattr(obj, name)
            return empty if value is None else money_brl(value)

        column.__name__ = name
        return column


def plumbing_for_superusers_only(site: admin.AdminSite) -> list[str]:
    """Make the admins of ``ADMIN_SUPERUSER_ONLY_MODELS`` (``app_label.Model``, e.g. the shadow users and
    groups, django-axes' logs, token blacklists, PSP webhooks) superuser-only, whoever registered them;
    returns the labels it changed."""
    wanted = set(getattr(settings, "ADMIN_SUPERUSER_ONLY_MODELS", ()))
    changed = []
    for model, model_admin in list(site._registry.items()):
        if model._meta.label not in wanted or isinstance(model_admin, SuperuserOnlyAdmin):
            continue
        restricted = type(f"SuperuserOnly{type(model_admin).__name__}", (SuperuserOnlyAdmin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, restricted)
        changed.append(model._meta.label)
    return changed
