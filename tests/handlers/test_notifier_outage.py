"""A staff notifier that is down: kept for 24 hours, shown to staff, alerted elsewhere once,
and delivered once (together with everything it held back) when it answers again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from tests.support.accounts import login, make_account
from tests.support.handoff import outbox_rows, with_notifiers
from tests.support.smtp_sink import SmtpSink
from tests.support.web import as_visitor
from tests.support.wecom import FakeWeCom
from webhook import create_app


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as smtp:
        yield smtp


@pytest.fixture
def rt(settings: Settings, clock: FixedClock, sink: SmtpSink) -> Iterator[Runtime]:
    configured = with_notifiers(settings, smtp_port=sink.port, telegram_staff_chat=None)
    runtime = build_runtime(configured, clock=clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def app(rt: Runtime) -> FastAPI:
    return create_app(rt.settings, runtime=rt)


class DownWeCom(FakeWeCom):
    """The robot refuses connections while `down`."""

    down = True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused")
        return super().__call__(request)


def _handoff(client: TestClient, rt: Runtime, who: str) -> None:
    as_visitor(client, rt.settings, who)
    assert client.post("/api/chat", json={"text": "转人工，商标被抢注了"}).status_code == 200


def test_outage_is_kept_shown_alerted_once_and_delivered_once(
    app: FastAPI, rt: Runtime, clock: FixedClock, sink: SmtpSink
) -> None:
    wecom = DownWeCom()
    with TestClient(app) as web:
        worker = app.state.worker
        worker.register(wecom.sender(rt.settings))
        _handoff(web, rt, "webuser-0001")
        _handoff(web, rt, "webuser-0002")
        for _ in range(40):  # 40 minutes of outage, the worker polling every minute
            worker.run_once()
            clock.at += dt.timedelta(minutes=1)
        held = outbox_rows(rt, "wecom")
        assert [r.status for r in held] == ["pending", "pending"]  # not given up
        assert held[0].attempts > 8 and held[0].failing_since is not None
        alerts = [m for m in sink.messages if "Notifier down" in str(m["Subject"])]
        assert sorted(m["To"] for m in alerts) == [
            "duty@station.example.cn",
            "lead@station.example.cn",
        ]  # once per address, not once per row or per attempt
        assert "wecom" in alerts[0].get_content()

        make_account(rt, "wang", role="staff")
        login(web, "wang")
        page = web.get("/staff/tickets/T-2026-000001").text
        assert "failing since" in page and "自" in page

        wecom.down = False
        clock.at += dt.timedelta(minutes=5)  # the capped backoff: tried again within 5 minutes
        worker.run_once()
        worker.run_once()
        assert [r.status for r in outbox_rows(rt, "wecom")] == ["sent", "sent"]
        texts = wecom.texts()
        assert len(texts) == 2 and "T-2026-000001" in texts[0] and "T-2026-000002" in texts[1]
        assert all(r.failing_since is None for r in outbox_rows(rt, "wecom"))
        assert "failing since" not in web.get("/staff/tickets/T-2026-000001").text
