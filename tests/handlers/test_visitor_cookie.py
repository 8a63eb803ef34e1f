"""The visitor cookie's signer: its once-derived key signs exactly as itsdangerous' Signer."""

from __future__ import annotations

from itsdangerous import Signer

from handlers.web.visitor import new_visitor_id, read_visitor, sign_visitor


def test_cookie_is_itsdangerous_signature_under_each_secret() -> None:
    visitor = new_visitor_id()
    for secret in ("first-secret", "second-secret", "first-secret"):
        cookie = sign_visitor(visitor, secret)
        assert cookie == Signer(secret, salt="tmbot.web-visitor").sign(visitor).decode()
        assert read_visitor(cookie, secret) == visitor
    assert read_visitor(sign_visitor(visitor, "first-secret"), "second-secret") is None
