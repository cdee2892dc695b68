"""Admin of the outbox: see what was published, what is parked and why, and retry or discard it."""

from django.contrib import admin, messages

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

    @admin.display(description="Último erro")
    def last_error_short(self, message: OutboxMessage) -> str:
        return message.last_error[:80]

    @admin.action(description="Reenviar: volta a pendente (o relay envia de novo)")
    def replay(self, request, queryset):
        count = outbox_replay(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} mensagem(ns) do outbox de volta a pendente.", messages.SUCCESS)

    @admin.action(description="Descartar as mensagens paradas (falhou): nunca serão enviadas")
    def discard(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        count = outbox_discard(message_ids=selected)
        self.message_user(request, f"{count} mensagem(ns) parada(s) descartada(s).", messages.SUCCESS)
        if count < len(selected):
            self.message_user(
                request,
                f"{len(selected) - count} mensagem(ns) não estavam paradas e foram mantidas.",
                messages.WARNING,
            )
