"""The Mijn DUO token generator: TOTP (RFC 6238) with pyotp, 6 digits every 30 seconds.

TOTP is bound to the physical clock of the person's device, so it reads ``timezone.now()`` and
not the product clock (which a demo may start at another moment).
"""

import datetime as dt
import hmac

from django.utils import timezone

import pyotp
import qrcode
import qrcode.image.svg

ISSUER = "Mijn DUO zakelijk (STAP)"
DIGITS = 6
STEP_SECONDS = 30
# One step either side: a phone whose clock is up to 30 seconds off still works.
TOLERATED_STEPS = 1


def new_secret() -> str:
    """160 random bits, base32 (RFC 4226 recommends at least 128)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, account: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=ISSUER
    )


def qr_code_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG (no image request, nothing leaves the page)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def grouped(secret: str) -> str:
    """The key as people type it from paper: blocks of four."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def current_code(secret: str, *, at: dt.datetime | None = None) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(at or timezone.now())


def matching_step(secret: str, code: str, *, at: dt.datetime | None = None) -> int | None:
    """The time step whose code is ``code``, or None; compared in constant time."""
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    step = totp.timecode(at or timezone.now())
    for candidate in range(step - TOLERATED_STEPS, step + TOLERATED_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None
