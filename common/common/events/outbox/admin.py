"""Admin of the outbox: see what was published, what is parked and why, and retry or discard it."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import NoManualEditsAdmin, SuperuserOnlyAdmin
from common.events.outbox.models import OutboxMessage
from common.events.outbox.services import outbox_discard, outbox_replay


@admin.register(OutboxMessage)
class OutboxMessageAdmin(SuperuserOnlyAdmin, NoManualEditsAdmin):
    list_display = [
        "id",
        "event_type",
        "key",
        "status",
        "attempts",
        "failures",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "last_error_short",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["=event_id", "key"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ["replay", "discard"]
    ordering = ["-id"]

    @admin.display(description=_("Last error"))
    def last_error_short(self, message: OutboxMessage) -> str:
        return message.last_error[:80]

    @admin.action(description=_("Replay: back to pending (the relay sends it again)"))
    def replay(self, request, queryset):
        count = outbox_replay(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d outbox message back to pending.", "%(count)d outbox messages back to pending.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Discard the parked (failed) messages: they will never be sent"))
    def discard(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        count = outbox_discard(message_ids=selected)
        self.message_user(
            request,
            ngettext("%(count)d parked message discarded.", "%(count)d parked messages discarded.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        if count < len(selected):
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was not parked and was kept.",
                    "%(count)d messages were not parked and were kept.",
                    len(selected) - count,
                )
                % {"count": len(selected) - count},
                messages.WARNING,
            )
