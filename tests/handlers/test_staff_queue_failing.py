"""The staff queue says since when deliveries keep failing (issue 22): per notifier or channel
(a Telegram outage holding back replies and staff notices) and on the ticket's own row."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from tests.support.accounts import login, make_account
from tests.support.handoff import outbox_rows
from tests.support.telegram_api import FakeBotApi
from tests.support.telegram_updates import post_update, update


def test_queue_shows_failing_since(
    telegram_client: TestClient, telegram_rt: Runtime, fake_api: FakeBotApi, clock: FixedClock
) -> None:
    client, rt = telegram_client, telegram_rt
    post_update(client, update("text_zh", update_id=1, text="转人工，我的商标被抢注了"))
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    make_account(rt, "wang", role="staff")
    token = login(client, "wang")
    client.post("/staff/tickets/T-2026-000001/reply", data={"csrf_token": token, "text": "您好"})
    page = client.get("/staff/tickets").text
    assert "failing since" not in page
    started = clock.now()
    for _ in range(3):  # Telegram answers 502 for a while
        fake_api.fail("sendMessage", 502, "Bad Gateway")
        client.app.state.worker.run_once()  # type: ignore[attr-defined]
        clock.at += dt.timedelta(minutes=6)
    failing = [r for r in outbox_rows(rt, "telegram") if r.failing_since is not None]
    assert failing and all(r.status == "pending" for r in failing)
    page = client.get("/staff/tickets").text
    shown = started.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M")
    assert 'id="failing"' in page and "Telegram" in page
    assert "failing since" in page and shown in page
    assert 'class="badge warn failing"' in page  # on the ticket's own row too
    clock.at += dt.timedelta(minutes=15)
    client.app.state.worker.run_once()  # type: ignore[attr-defined]  # Telegram is back
    page = client.get("/staff/tickets").text
    assert 'id="failing"' not in page and "failing since" not in page
