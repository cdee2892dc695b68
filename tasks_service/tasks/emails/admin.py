"""Admin of the email log: who got what, how many attempts, the rendered body, and a resend action.

The body is rendered again from the stored template context (what the worker sends). The HTML is shown
in a sandboxed ``iframe`` (``srcdoc``, escaped; no scripts, no same-origin access to the admin).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.template import TemplateDoesNotExist
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.sealing import SEALED_SUFFIX
from tasks.emails.models import EmailLog
from tasks.emails.rendering import render_email
from tasks.emails.services import email_resend


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "event_id", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "dedup_key", "event_id"]
    date_hierarchy = "created_at"
    exclude = ["context"]  # shown masked by context_shown: sealed secrets never reach a page
    readonly_fields = [
        "kind",
        "dedup_key",
        "recipient",
        "event_id",
        "language",
        "context_shown",
        "report",
        "correlation_id",
        "status",
        "attempts",
        "subject",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
        "body_text",
        "body_html",
    ]
    actions = ["resend"]

    def _rendered(self, obj: EmailLog):
        try:
            return render_email(kind=obj.kind, language=obj.language, context=obj.context)
        except (TemplateDoesNotExist, ValueError, TypeError, KeyError) as exc:
            return exc

    @admin.display(description=_("Email text"))
    def body_text(self, obj: EmailLog) -> str:
        rendered = self._rendered(obj)
        if isinstance(rendered, Exception):
            return _("The email could not be rendered: %(error)r") % {"error": rendered}
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', rendered.text)

    @admin.display(description=_("Email HTML"))
    def body_html(self, obj: EmailLog) -> str:
        rendered = self._rendered(obj)
        if isinstance(rendered, Exception):
            return "-"
        return format_html(
            '<iframe sandbox="" referrerpolicy="no-referrer" srcdoc="{}" '
            'style="width: 100%; min-height: 24rem; border: 1px solid #ccc; background: #fff"></iframe>',
            rendered.html,
        )

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("context"))
    def context_shown(self, email_log: EmailLog) -> dict:
        """The context with sealed secrets (a live reset link) masked: nobody reads them here."""
        return {
            name: _("•••• (sealed)") if name.endswith(SEALED_SUFFIX) else value
            for name, value in (email_log.context or {}).items()
        }

    @admin.action(description=_("Resend the selected emails"), permissions=["change"])
    def resend(self, request, queryset):
        queued = skipped = 0
        for email_log in queryset:
            if email_resend(email_log=email_log):
                queued += 1
            else:
                skipped += 1
        self.message_user(
            request,
            ngettext("%(count)d email queued to be sent again.", "%(count)d emails queued to be sent again.", queued)
            % {"count": queued},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email being sent right now was left alone.",
                    "%(count)d emails being sent right now were left alone.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
