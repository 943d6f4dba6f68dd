"""Self-signed RSA key pairs for development and tests, generated on first use.

Production uses PKIoverheid certificates from files named in the settings; nothing here runs there.
Keys are written with mode 0600 under ``STAP_SAML_DIR`` (inside ``var/``, never committed).
"""

import datetime as dt
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True, kw_only=True)
class KeyPair:
    key_file: Path
    cert_file: Path

    @property
    def key_pem(self) -> str:
        return self.key_file.read_text(encoding="ascii")

    @property
    def cert_pem(self) -> str:
        return self.cert_file.read_text(encoding="ascii")


def ensure_key_pair(directory: Path, name: str, *, common_name: str) -> KeyPair:
    """Return ``<name>.key``/``<name>.crt`` in ``directory``, creating them when missing.

    A file lock keeps two processes that start at the same moment from writing mismatched halves.
    """
    pair = KeyPair(key_file=directory / f"{name}.key", cert_file=directory / f"{name}.crt")
    if pair.key_file.exists() and pair.cert_file.exists():
        return pair
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (directory / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (pair.key_file.exists() and pair.cert_file.exists()):
            key_pem, cert_pem = _self_signed(common_name)
            _write(pair.key_file, key_pem, mode=0o600)
            _write(pair.cert_file, cert_pem, mode=0o644)
    return pair


def _write(path: Path, content: bytes, *, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def _self_signed(common_name: str) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "STAP-portaal (ontwikkeling)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,  # the SP certificate also receives EncryptedIDs
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)
