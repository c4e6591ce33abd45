"""Fixtures the hardening modules share."""

from __future__ import annotations

import pytest

from tests.hardening import corpus


@pytest.fixture(scope="session")
def key_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The corpus's RSA key as a plain and a passphrase-protected PEM file, their folder, and a ciphertext for it."""
    folder = tmp_path_factory.mktemp("keys")
    good, encrypted = folder / "key.pem", folder / "encrypted.pem"
    good.write_text(corpus.rsa_pem())
    encrypted.write_text(corpus.encrypted_pem())
    return {
        "good": str(good),
        "encrypted": str(encrypted),
        "folder": str(folder),
        "ciphertext": corpus.good_ciphertext(),
    }
