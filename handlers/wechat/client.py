"""wechatpy's WeChatClient for tmbot: API base from settings and the access token cached in the
database, shared by every worker, refreshed before it expires by one worker at a time.

The client is synchronous (requests): call it from a worker thread, never on the event loop.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from sqlalchemy.engine import Engine
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from bot.core.settings import Settings
from storage.models import utcnow
from storage.wechat_session import kv_get, kv_lock, kv_set, kv_unlock

__all__ = ("DbSessionStorage", "StationClient", "build_client")

logger = logging.getLogger(__name__)
REFRESH_MARGIN = dt.timedelta(minutes=5)  # refresh this long before WeChat's expiry
LOCK_HOLD = dt.timedelta(seconds=30)  # a refresher that died frees the lock after this
LOCK_WAIT_SECONDS = 15.0


class DbSessionStorage(SessionStorage):  # type: ignore[misc]
    """A wechatpy SessionStorage in the `wechat_kv` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, key: str, default: Any = None) -> Any:
        row = kv_get(self.engine, key)
        if row is None or row.value is None:
            return default
        if row.expires_at is not None and row.expires_at <= utcnow():
            return default
        return row.value

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        expires = utcnow() + dt.timedelta(seconds=int(ttl)) if ttl else None
        kv_set(self.engine, key, None if value is None else str(value), expires)

    def delete(self, key: str) -> None:
        kv_set(self.engine, key, None, None)


class StationClient(WeChatClient):  # type: ignore[misc]
    """WeChatClient against `api_base` (WeChat's, or a local stand-in) with a shared token."""

    def __init__(
        self, appid: str, secret: str, *, engine: Engine, api_base: str, timeout: float = 10.0
    ) -> None:
        super().__init__(appid, secret, session=DbSessionStorage(engine), timeout=timeout)
        # _request reads self.API_BASE_URL, so an instance attribute overrides the class's.
        self.API_BASE_URL = api_base.rstrip("/") + "/"
        self.engine = engine

    def _fresh(self) -> str | None:
        row = kv_get(self.engine, self.access_token_key)
        if row is None or not row.value or row.expires_at is None:
            return None
        return row.value if row.expires_at - utcnow() > REFRESH_MARGIN else None

    @property
    def access_token(self) -> str:
        """The shared token; wechatpy's own check uses a per-process expiry, so it is replaced."""
        return self._fresh() or self._refresh(stale=None)

    def fetch_access_token(self) -> dict[str, Any]:
        """Called by wechatpy when WeChat rejects the token (40001/40014/42001)."""
        row = kv_get(self.engine, self.access_token_key)
        token = self._refresh(stale=row.value if row else None)
        return {"access_token": token}

    def _refresh(self, *, stale: str | None) -> str:
        # One refresher at a time: the others wait for the token it stores.
        key = self.access_token_key
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            if kv_lock(self.engine, key, utcnow(), LOCK_HOLD):
                try:
                    token = self._fresh()
                    if token and token != stale:
                        return token  # refreshed by another worker while we waited
                    return self._fetch()
                finally:
                    kv_unlock(self.engine, key)
            time.sleep(0.1)
            token = self._fresh()
            if token and token != stale:
                return token
            if time.monotonic() > deadline:
                raise WeChatClientException(None, "timed out waiting for the access token")

    def _fetch(self) -> str:
        # wechatpy's fetch hard-codes api.weixin.qq.com and sends no timeout; ours does both.
        logger.info("fetching a new WeChat access token")
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        res = self._http.get(f"{self.API_BASE_URL}token", params=params, timeout=self.timeout)
        res.raise_for_status()
        result = res.json()
        if result.get("errcode") or "access_token" not in result:
            # Not _handle_result: its retry on 40001 (also "wrong secret") would recurse here.
            raise WeChatClientException(result.get("errcode"), result.get("errmsg", "no token"))
        ttl = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], ttl)
        return str(result["access_token"])


def build_client(settings: Settings, engine: Engine) -> StationClient:
    """The account's API client from TMBOT_WECHAT_APPID / _SECRET / _API_URL."""
    return StationClient(
        settings.wechat_appid,
        settings.wechat_secret.get_secret_value(),
        engine=engine,
        api_base=settings.wechat_api_url,
    )
