"""``manage.py rotate_jwt_keys``: sign with a new key; the old public key stays published meanwhile."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.tokens.keys import keyring_rotate


class Command(BaseCommand):
    help = "Start signing tokens with a new RSA key; tokens signed with the old key keep working until they expire."

    def handle(self, *args, **options):
        try:
            old_kid, new_kid = keyring_rotate()
        except RuntimeError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"Retired key {old_kid}: still published until its tokens have expired.")
        self.stdout.write(f"Signing with new key {new_kid}.")
