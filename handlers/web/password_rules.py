"""The rule a new staff password must meet, shared by `tmbot user` and the account pages."""

from __future__ import annotations

from handlers.web.passwords import MIN_PASSWORD_LENGTH, hash_password
from storage.errors import TmbotError

__all__ = ("MAX_PASSWORD_LENGTH", "check_new_password", "new_password_hash")

# Argon2 hashes any length, but a megabyte "password" would only cost the server time.
MAX_PASSWORD_LENGTH = 200


def check_new_password(password: str, confirm: str | None = None) -> None:
    """Refuse a password that is too short or too long, or that the confirmation does not repeat."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise TmbotError(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。 / "
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise TmbotError(
            f"密码最多 {MAX_PASSWORD_LENGTH} 个字符。 / "
            f"The password may have at most {MAX_PASSWORD_LENGTH} characters."
        )
    if confirm is not None and confirm != password:
        raise TmbotError("两次输入的密码不一致。 / The two passwords differ.")


def new_password_hash(password: str, confirm: str | None = None) -> str:
    """The Argon2id hash of `password` once it meets the rule (TmbotError otherwise)."""
    check_new_password(password, confirm)
    return hash_password(password)
