"""``manage.py create_merchandiser EMAIL [--password P] [--group G] [--superuser]``: a staff account in
Merchandiser (or in the staff groups given with ``--group``, e.g. ``--group "Customer support"``)."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.users.services import staff_user_ensure
from common.auth.groups import MERCHANDISER_GROUP, STAFF_GROUPS


class Command(BaseCommand):
    help = "Create (or update) a staff user in the Merchandiser group (or --group) and print its credentials."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--password", help="Set this password (default: a random one for a new user).")
        parser.add_argument("--full-name", default="", help="The user's full name.")
        parser.add_argument("--superuser", action="store_true", help="Also make the user a superuser.")
        parser.add_argument(
            "--group",
            action="append",
            choices=STAFF_GROUPS,
            dest="groups",
            help=f"A staff group (repeatable; default: {MERCHANDISER_GROUP}).",
        )

    def handle(self, *args, email: str, password: str | None, full_name: str, superuser: bool, groups=None, **options):
        groups = tuple(groups or (MERCHANDISER_GROUP,))
        generated = None
        try:
            user, created = staff_user_ensure(
                email=email, password=password, full_name=full_name, groups=groups, superuser=superuser
            )
            if created and password is None:
                generated = secrets.token_urlsafe(12)
                user.set_password(generated)
                user.save(update_fields=["password"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        shown = password or generated
        verb = "created" if created else "updated"
        role = "superuser, " if user.is_superuser else ""
        self.stdout.write(f"{', '.join(groups)} {verb} ({role}staff): email={user.email}")
        self.stdout.write(f"password={shown}" if shown else "password unchanged")
