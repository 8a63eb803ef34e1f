"""Password hashing for staff accounts: Argon2id through pwdlib."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pwdlib import PasswordHash

__all__ = ("MIN_PASSWORD_LENGTH", "hash_password", "use_hasher", "verify_password")

MIN_PASSWORD_LENGTH = 10
# Built at the first sign-in or new password: pwdlib and argon2 stay out of a worker that only
# serves chat turns (about 1 MiB resident).
_hasher: PasswordHash | None = None
# Verified when the username is unknown, so a miss costs as long as a wrong password
# (no timing difference tells an attacker which usernames exist).
_dummy_hash: str | None = None


def use_hasher(hasher: PasswordHash) -> None:
    """Swap the hasher (tests use cheap Argon2 parameters; production keeps the defaults)."""
    global _hasher, _dummy_hash
    _hasher, _dummy_hash = hasher, None


def _the_hasher() -> PasswordHash:
    global _hasher
    if _hasher is None:
        from pwdlib import PasswordHash
        from pwdlib.hashers.argon2 import Argon2Hasher

        _hasher = PasswordHash((Argon2Hasher(),))
    return _hasher


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`."""
    return _the_hasher().hash(password)


def verify_password(password: str, stored: str | None) -> tuple[bool, str | None]:
    """(matches, new hash to store when the parameters changed, else None)."""
    global _dummy_hash
    hasher = _the_hasher()
    if stored is None:
        if _dummy_hash is None:
            _dummy_hash = hasher.hash("not-a-real-password")
        hasher.verify(password, _dummy_hash)
        return False, None
    return hasher.verify_and_update(password, stored)
