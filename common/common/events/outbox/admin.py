"""Admin of the outbox: see what was published, what is stuck, and send rows again."""

from django.contrib import admin, messages

from common.admin import NoManualEditsAdmin
from common.events.outbox.models import OutboxMessage
from common.events.outbox.services import outbox_replay


@admin.register(OutboxMessage)
class OutboxMessageAdmin(NoManualEditsAdmin):
    list_display = ["id", "event_type", "key", "status", "attempts", "created_at", "sent_at", "last_error_short"]
    list_filter = ["status", "event_type"]
    search_fields = ["=event_id", "key"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ["replay"]
    ordering = ["-id"]

    @admin.display(description="Last error")
    def last_error_short(self, message: OutboxMessage) -> str:
        return message.last_error[:80]

    @admin.action(description="Replay: back to pending (the relay sends them again)")
    def replay(self, request, queryset):
        count = outbox_replay(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} outbox message(s) back to pending.", messages.SUCCESS)
