"""Admin of the inbox: processed event ids, and dead letters with a replay action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import NoManualEditsAdmin, SuperuserOnlyAdmin
from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.events.inbox.services import dead_letter_discard, dead_letter_replay
from common.events.validation import InvalidEvent


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(SuperuserOnlyAdmin, NoManualEditsAdmin):
    list_display = ["event_id", "event_type", "processed_at"]
    list_filter = ["event_type"]
    search_fields = ["=event_id"]


@admin.register(DeadLetter)
class DeadLetterAdmin(SuperuserOnlyAdmin, NoManualEditsAdmin):
    list_display = ["id", "event_type", "event_id", "source", "attempts", "created_at", "replayed_at"]
    list_filter = ["event_type", "source"]
    search_fields = ["=event_id", "error"]
    readonly_fields = [field.name for field in DeadLetter._meta.fields]
    actions = ["replay", "discard"]

    @admin.action(description=_("Replay: publish again through the outbox"))
    def replay(self, request, queryset):
        replayed, unreadable = 0, 0
        for dead_letter in queryset:
            try:
                dead_letter_replay(dead_letter=dead_letter)
                replayed += 1
            except InvalidEvent:
                unreadable += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d dead letter sent again through the outbox.",
                "%(count)d dead letters sent again through the outbox.",
                replayed,
            )
            % {"count": replayed},
            messages.SUCCESS,
        )
        if unreadable:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message is not an envelope: fix it by hand.",
                    "%(count)d messages are not envelopes: fix them by hand.",
                    unreadable,
                )
                % {"count": unreadable},
                messages.WARNING,
            )

    @admin.action(description=_("Discard: give up on these messages (they will not be applied)"))
    def discard(self, request, queryset):
        count = dead_letter_discard(dead_letter_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d dead letter discarded.", "%(count)d dead letters discarded.", count) % {"count": count},
            messages.SUCCESS,
        )
