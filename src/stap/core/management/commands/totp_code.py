from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from stap.identity import token_generator
from stap.identity.models import TokenGenerator


class Command(BaseCommand):
    help = (
        "Print the current code of a staff account's authenticator or a Mijn DUO token "
        "generator (development and demos only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        from django.conf import settings

        if settings.IS_PRODUCTION:
            raise CommandError(
                "Not available in production: a second factor must stay on its device."
            )
        generator = TokenGenerator.objects.filter(
            user__username=username, confirmed_at__isnull=False
        ).first()
        if generator is not None:
            self.stdout.write(token_generator.current_code(generator.secret))
            return
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"No authenticator device or token generator for {username!r}.")
        code = totp(
            device.bin_key,
            step=device.step,
            t0=device.t0,
            digits=device.digits,
            drift=device.drift,
        )
        self.stdout.write(f"{code:0{device.digits}d}")
