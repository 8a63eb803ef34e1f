"""POST /wechat reads its query once, without Starlette's general parser when nothing in it is
escaped: the values are always Starlette's."""

from __future__ import annotations

import random

from starlette.datastructures import QueryParams
from starlette.requests import Request

from handlers.wechat.adapter import _query


def _request(raw: bytes) -> Request:
    return Request({"type": "http", "method": "POST", "query_string": raw, "headers": []})


def test_query_values_are_starlettes() -> None:
    rng = random.Random(19)
    pieces = ["signature", "timestamp", "nonce", "=", "&", "&", "1", "a", "%20", "+", "é", ";", ""]
    cases = [
        b"",
        b"signature=abc&timestamp=1795572000&nonce=42&openid=o1&encrypt_type=aes&msg_signature=f",
        b"nonce=1&nonce=2",
        b"&&nonce&=x&timestamp=",
        b"echostr=a%2Bb+c",
        "nonce=\xe9".encode("latin-1"),
    ]
    cases += ["".join(rng.choices(pieces, k=rng.randint(0, 12))).encode() for _ in range(2000)]
    for raw in cases:
        assert dict(_query(_request(raw))) == dict(QueryParams(raw)), raw
