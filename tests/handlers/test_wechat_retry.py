"""WeChat retries and the 5-second rule: one run per message, identical replies, slow answers
delivered once through the customer-service API."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot.core.context import Context
from bot.core.messages import Choice, Reply
from bot.core.ports import FixedClock, Outcome
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from handlers.wechat.format import SORRY
from handlers.wechat.sender import WeChatSender
from storage.models import ChatMessage, ProcessedDelivery, QuestionLog
from storage.outbox import OutboxMessage
from storage.wechat import WechatDelivery
from tests.support.wechat import AES_KEY, OPENID, FakeWeChatApi, Wire, fixture, text_xml
from tests.support.wechat_app import app_client, count, running_api, wechat_settings

SLOW = "慢问题"


class GateSkill:
    """Answers SLOW only when released, counting how often it ran."""

    name = "gate"

    def __init__(self, answer: str = "慢答案", fail: bool = False, reads: bool = False) -> None:
        self.runs = 0
        self.answer = answer
        self.fail = fail
        self.reads = reads  # reads the database first, as the real skills do
        self.entered = threading.Event()
        self.release = threading.Event()

    def handle(self, ctx: Context) -> Outcome | None:
        if ctx.text != SLOW:
            return None
        self.runs += 1
        if self.reads:
            ctx.session.exec(select(QuestionLog)).first()
        self.entered.set()
        assert self.release.wait(10), "test never released the gate"
        if self.fail:
            raise RuntimeError("core failure")
        choices = (Choice("有用", "feedback:up"), Choice("没用", "feedback:down"))
        return Outcome([Reply(self.answer, choices=choices)], "faq")


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatApi]:
    with running_api() as api:
        yield api


def _app(
    settings: Settings, clock: FixedClock, api: FakeWeChatApi, budget: float, **extra: object
) -> Iterator[tuple[TestClient, Runtime, GateSkill]]:
    gate = GateSkill(**extra)  # type: ignore[arg-type]
    with app_client(wechat_settings(settings, api, wechat_reply_budget=budget), clock) as (
        client,
        runtime,
    ):
        runtime.conversation.skills.insert(0, gate)
        client.app.state.worker.register(
            WeChatSender(runtime.settings, runtime.engine, clock=clock)
        )
        yield client, runtime, gate
        gate.release.set()


@pytest.fixture
def quick(settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi) -> Iterator[tuple]:
    yield from _app(settings, clock, wechat_api, budget=4.0)


@pytest.fixture
def slow(settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi) -> Iterator[tuple]:
    yield from _app(settings, clock, wechat_api, budget=0.3)


def _wait_status(runtime: Runtime, status: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(runtime.engine) as session:
            row = session.exec(select(WechatDelivery)).first()
            if row is not None and row.status == status:
                return
        time.sleep(0.02)
    raise AssertionError(f"delivery never reached {status!r}")


def test_three_identical_deliveries_are_processed_once(quick: tuple) -> None:
    client, runtime, _ = quick
    wire = Wire(client)
    replies = [wire.post(fixture("text.xml")) for _ in range(3)]
    assert replies[0].content == replies[1].content == replies[2].content  # byte-identical
    assert "450元" in wire.reply(replies[0])["Content"]
    assert count(runtime, QuestionLog) == 1  # one log line
    assert count(runtime, ChatMessage) == 2  # the question and one answer
    assert count(runtime, WechatDelivery) == 1 and count(runtime, ProcessedDelivery) == 0


def test_identical_encrypted_deliveries(
    settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi
) -> None:
    safe = wechat_settings(settings, wechat_api, wechat_aes_key=AES_KEY)
    with app_client(safe, clock) as (client, runtime):
        wire = Wire(client, aes_key=AES_KEY)
        contents = {wire.reply(wire.post(fixture("text.xml")))["Content"] for _ in range(3)}
        assert len(contents) == 1 and count(runtime, QuestionLog) == 1


def test_retry_while_the_first_run_is_still_going_waits_for_its_answer(quick: tuple) -> None:
    client, runtime, gate = quick
    wire = Wire(client)
    results: dict[str, bytes] = {}

    def post(name: str) -> None:
        results[name] = wire.post(text_xml(SLOW, msg_id=501)).content

    first = threading.Thread(target=post, args=("first",))
    first.start()
    assert gate.entered.wait(5)
    retry = threading.Thread(target=post, args=("retry",))
    retry.start()
    time.sleep(0.3)  # the retry is now waiting on the first run
    gate.release.set()
    first.join(10)
    retry.join(10)
    assert gate.runs == 1
    assert results["first"] == results["retry"]
    assert "慢答案" in wire.reply(_resp(results["first"]))["Content"]
    assert count(runtime, QuestionLog) == 1


def _resp(content: bytes):  # type: ignore[no-untyped-def]
    import httpx

    return httpx.Response(200, content=content)


def test_slow_answer_goes_out_as_a_customer_service_message(
    slow: tuple, wechat_api: FakeWeChatApi
) -> None:
    client, runtime, gate = slow
    wire = Wire(client)
    started = time.monotonic()
    resp = wire.post(text_xml(SLOW, msg_id=601))
    assert resp.status_code == 200 and resp.text == "success"
    assert time.monotonic() - started < 4  # within WeChat's 5 seconds, even on a busy machine
    # WeChat retries: no second run, `success` again.
    assert wire.post(text_xml(SLOW, msg_id=601)).text == "success"
    assert gate.runs == 1
    with Session(runtime.engine) as session:
        marker = session.exec(select(OutboxMessage)).one()
    assert marker.payload == {"deferred": "601"} and marker.sender == "wechat"
    gate.release.set()
    _wait_status(runtime, "done")
    worker = client.app.state.worker
    worker.run_once()
    worker.run_once()
    sent = wechat_api.sent()
    assert len(sent) == 1
    assert sent[0]["touser"] == OPENID and sent[0]["msgtype"] == "text"
    assert sent[0]["text"]["content"] == "慢答案\n\n1. 有用\n2. 没用"
    # A late retry after delivery changes nothing either.
    assert wire.post(text_xml(SLOW, msg_id=601)).text == "success"
    worker.run_once()
    assert len(wechat_api.sent()) == 1 and gate.runs == 1
    with Session(runtime.engine) as session:
        assert {r.status for r in session.exec(select(OutboxMessage))} == {"sent"}
    # The user's "1" picks the first choice of the deferred answer.
    assert "反馈" in wire.reply(wire.post(text_xml("1", msg_id=602)))["Content"]


def test_a_slow_turn_that_reads_does_not_hold_up_its_deferral(
    settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi
) -> None:
    # The turn's writes wait for its commit, so on SQLite the deferral (an outbox marker and a
    # status change, committed before `success`) is not stuck behind the running turn.
    for client, runtime, gate in _app(settings, clock, wechat_api, budget=0.3, reads=True):
        started = time.monotonic()
        assert Wire(client).post(text_xml(SLOW, msg_id=611)).text == "success"
        assert time.monotonic() - started < 4  # inside WeChat's 5 seconds
        gate.release.set()
        _wait_status(runtime, "done")
        assert count(runtime, ChatMessage) == 2  # the question and the deferred answer


def test_retry_during_the_budget_then_deferral(slow: tuple, wechat_api: FakeWeChatApi) -> None:
    client, runtime, gate = slow
    wire = Wire(client)
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(wire.post(text_xml(SLOW, msg_id=701)).text))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join(10)
    assert results == ["success", "success"] and gate.runs == 1
    gate.release.set()
    # The answer is queued once the run finishes; an attempt before that waits 5 s on a clock
    # that stands still here (the worker's own retry, tested elsewhere).
    _wait_status(runtime, "done")
    deadline = time.monotonic() + 5
    while not wechat_api.sent() and time.monotonic() < deadline:
        client.app.state.worker.run_once()
        time.sleep(0.05)
    assert len(wechat_api.sent()) == 1


def test_long_answer_is_split_passive_first_then_service_messages(
    settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi
) -> None:
    answer = "\n".join(f"第{i}段：" + "商标" * 120 for i in range(8))  # ~6 KB
    for client, runtime, gate in _app(settings, clock, wechat_api, budget=4.0, answer=answer):
        gate.release.set()
        wire = Wire(client)
        first = wire.reply(wire.post(text_xml(SLOW, msg_id=801)))["Content"]
        assert first.startswith("第0段") and len(first.encode()) <= 2000
        wire.post(text_xml(SLOW, msg_id=801))  # a retry queues nothing more
        with Session(runtime.engine) as session:
            queued = [r.payload["text"] for r in session.exec(select(OutboxMessage))]
        assert len(queued) >= 2 and queued[-1].endswith("2. 没用")
        assert "".join([first, *queued]).count("商标") == 8 * 120


def test_core_failure_gets_an_apology_not_a_500(
    settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi
) -> None:
    for client, _, gate in _app(settings, clock, wechat_api, budget=4.0, fail=True):
        gate.release.set()
        wire = Wire(client)
        assert wire.reply(wire.post(text_xml(SLOW, msg_id=901)))["Content"] == SORRY


def test_retry_reaching_another_worker_is_not_run_again(
    settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi
) -> None:
    # Two apps on one database: two worker processes behind WeChat's load balancing.
    first_app = _app(settings, clock, wechat_api, budget=0.3)
    second_app = _app(settings, clock, wechat_api, budget=0.3)
    client_a, runtime, gate_a = next(first_app)
    client_b, _, gate_b = next(second_app)
    try:
        assert Wire(client_a).post(text_xml(SLOW, msg_id=1001)).text == "success"
        assert Wire(client_b).post(text_xml(SLOW, msg_id=1001)).text == "success"
        gate_a.release.set()
        _wait_status(runtime, "done")
        client_b.app.state.worker.run_once()
        client_b.app.state.worker.run_once()
        assert (gate_a.runs, gate_b.runs) == (1, 0)
        assert [m["text"]["content"] for m in wechat_api.sent()] == ["慢答案\n\n1. 有用\n2. 没用"]
    finally:
        for gen in (first_app, second_app):
            gen.close()


def test_database_trouble_is_a_503_so_wechat_retries(
    quick: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, runtime, _ = quick
    wire = Wire(client)
    wire.post(fixture("event_subscribe.xml"))  # builds the endpoint
    runner = client.app.state.wechat.runner

    def locked(*_args: object) -> bool:
        raise OperationalError("INSERT INTO wechat_delivery", {}, Exception("database is locked"))

    monkeypatch.setattr(runner, "_claim", locked)
    assert wire.post(fixture("text.xml")).status_code == 503
    monkeypatch.undo()
    assert "450元" in wire.reply(wire.post(fixture("text.xml")))["Content"]  # WeChat's retry
    assert count(runtime, QuestionLog) == 2  # the greeting and the question, once each
