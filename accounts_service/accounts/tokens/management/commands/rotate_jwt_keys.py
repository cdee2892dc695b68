"""``manage.py rotate_jwt_keys``: publish the next key, then sign with it; or revoke a key at once.

Without options it does the next due step: stage a key when none is staged, activate the staged key
once it has been published long enough (run it twice, a few minutes apart, or from a schedule).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.tokens.keys import RotationRefused, current_keyring, keyring_activate, keyring_revoke, keyring_stage


class Command(BaseCommand):
    help = (
        "Rotate the token signing key in two steps (--stage publishes the next key, --activate signs with it "
        "once every verifier has it), or --revoke=KID to withdraw a key at once (write it with '=': a key id "
        "is a base64url thumbprint and may begin with '-')."
    )

    def add_arguments(self, parser):
        step = parser.add_mutually_exclusive_group()
        step.add_argument("--stage", action="store_true", help="Publish the next key in the JWKS (it signs nothing).")
        step.add_argument("--activate", action="store_true", help="Sign with the staged key; retire the current one.")
        step.add_argument(
            "--revoke",
            metavar="KID",
            help="Withdraw this key now (emergency). Write --revoke=KID: a kid may begin with '-'.",
        )
        parser.add_argument("--force", action="store_true", help="With --activate: do not wait for the verifiers.")

    def handle(self, *args, **options):
        try:
            if options["revoke"]:
                self.stdout.write(keyring_revoke(kid=options["revoke"]))
            elif options["stage"] or (not options["activate"] and current_keyring().next is None):
                kid = keyring_stage()
                self.stdout.write(f"Next key {kid} published in the JWKS; it signs nothing until --activate.")
            else:
                old_kid, new_kid = keyring_activate(force=options["force"])
                self.stdout.write(f"Retired key {old_kid}: still published until its tokens have expired.")
                self.stdout.write(f"Signing with new key {new_kid}.")
        except RotationRefused as exc:
            raise CommandError(str(exc))
