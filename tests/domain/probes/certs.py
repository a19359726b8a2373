"""Test certificates made at test time with ``cryptography``: a private CA and the leaves the TLS tests need."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOOPBACK = ipaddress.ip_address("127.0.0.1")


@dataclass(frozen=True)
class Leaf:
    cert: Path
    key: Path
    not_after: dt.datetime


@dataclass(frozen=True)
class TestPki:
    ca_file: Path
    valid: Leaf
    expired: Leaf
    wrong_host: Leaf
    self_signed: Leaf


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(
    folder: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> tuple[Path, Path]:
    cert_path, key_path = folder / f"{stem}.crt", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def make_pki(folder: Path) -> TestPki:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("jixiao test CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = folder / "ca.crt"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))

    def leaf(
        stem: str,
        names: list[x509.GeneralName],
        not_before: dt.datetime,
        not_after: dt.datetime,
        *,
        self_signed: bool = False,
    ) -> Leaf:
        key = ec.generate_private_key(ec.SECP256R1())
        issuer_key = key if self_signed else ca_key
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(stem))
            .issuer_name(_name(stem) if self_signed else ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if not self_signed:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
            )
        cert = builder.sign(issuer_key, hashes.SHA256())
        cert_path, key_path = _write(folder, stem, cert, key)
        return Leaf(cert_path, key_path, not_after)

    loopback = [x509.IPAddress(LOOPBACK), x509.DNSName("localhost")]
    return TestPki(
        ca_file=ca_file,
        valid=leaf("valid", loopback, now - dt.timedelta(days=1), now + dt.timedelta(days=90)),
        expired=leaf("expired", loopback, now - dt.timedelta(days=60), now - dt.timedelta(days=2)),
        wrong_host=leaf(
            "wrong-host",
            [x509.DNSName("other.example")],
            now - dt.timedelta(days=1),
            now + dt.timedelta(days=90),
        ),
        self_signed=leaf(
            "self-signed", loopback, now - dt.timedelta(days=1), now + dt.timedelta(days=90), self_signed=True
        ),
    )
