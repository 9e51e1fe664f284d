"""Register a kiosk in an outlet, or rotate or revoke one, printing a new key once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from outlets.kiosk import actions
from outlets.models import Kiosk, Outlet


class Command(BaseCommand):
    help = "Register a kiosk in an outlet (--outlet CODE --name NAME), or --rotate/--revoke KEY_ID; prints the key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--outlet", help="The outlet's code.")
        parser.add_argument("--name", help="The kiosk's name in its outlet, e.g. 1号机.")
        parser.add_argument("--rotate", metavar="KEY_ID", help="Give this kiosk a new secret.")
        parser.add_argument("--revoke", metavar="KEY_ID", help="Take this kiosk out of service.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rotate"] or options["revoke"]:
            kiosk = Kiosk.objects.filter(key_id=options["rotate"] or options["revoke"]).first()
            if kiosk is None:
                raise CommandError("No kiosk has that key id.")
            if options["revoke"]:
                actions.revoke_kiosk(kiosk, by=None)
                self.stdout.write(f"Revoked {kiosk}.")
                return
            credential = actions.rotate_secret(kiosk, by=None)
        else:
            outlet = Outlet.objects.filter(code=options["outlet"] or "").first()
            if outlet is None or not options["name"]:
                raise CommandError("Give --outlet with an existing outlet's code, and --name.")
            credential = actions.register_kiosk(outlet=outlet, name=options["name"], by=None)
        self.stdout.write(f"{credential.kiosk}: Authorization: Kiosk {credential.key}")
        self.stdout.write("The key is shown only now; it is stored as a digest.")
