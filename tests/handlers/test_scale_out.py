"""Two app servers against one PostgreSQL, as two machines behind a load balancer (issue 19).

Two real `tmbot serve` processes on their own ports, started at the same moment on an empty
database, share: Telegram updates posted to either (a retried update reaching the other server
too), a batch of queued messages both outbox workers compete for, and an FAQ edit made
elsewhere. Telegram is the fake Bot API at the HTTP boundary; everything else is the product.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from storage.db import make_engine, session_scope
from storage.faq import load_entries, save_entry
from storage.outbox import enqueue
from tests.conftest import FIXTURE_CORPUS, PG_URL, pg_available, pg_skip_reason
from tests.support.live import free_port
from tests.support.telegram_api import TOKEN, FakeBotApi
from tests.support.telegram_updates import SECRET, update

pytestmark = pytest.mark.pg

USERS = 12
QUEUED = 40
MARK = "【修订版】"


def _tmbot() -> list[str]:
    script = Path(sys.executable).with_name("tmbot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from handlers.cli.app import app; app()"]


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi() as api:
        yield api


@pytest.fixture
def servers(fake: FakeBotApi, tmp_path: Path) -> Iterator[list[str]]:
    """Two `tmbot serve` processes started together on an empty PostgreSQL; their base URLs."""
    if not pg_available():
        pytest.skip(pg_skip_reason())
    from tests.support.pg import reset_pg

    reset_pg(PG_URL)
    env = {
        **os.environ,
        "TMBOT_DATABASE_URL": PG_URL,
        "TMBOT_CORPUS_DIR": str(FIXTURE_CORPUS),
        "TMBOT_TELEGRAM_TOKEN": TOKEN,
        "TMBOT_TELEGRAM_SECRET": SECRET,
        "TMBOT_TELEGRAM_API_URL": fake.base_url,
        "TMBOT_FAQ_CHECK_MS": "200",
        "TMBOT_TELEGRAM_CHAT_INTERVAL": "0",  # the fake does not pace; 40 messages to one chat
    }
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    logs = []
    for n in range(2):
        port = free_port()
        log = (tmp_path / f"server{n}.log").open("wb")
        logs.append(log)
        procs.append(
            subprocess.Popen(
                [*_tmbot(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for proc, url, n in zip(procs, urls, range(2), strict=True):
            _wait_until_up(proc, url, tmp_path / f"server{n}.log")
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()
        reset_pg(PG_URL)  # leave no half-used schema for the next PostgreSQL test


def _wait_until_up(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server at {url} did not start:\n{log.read_text(errors='replace')}")


def _post(url: str, data: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{url}/telegram/webhook",
        json=data,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=30,
    )


def _asks(chat: int, update_id: int, text: str) -> dict[str, Any]:
    person = {"id": chat, "is_bot": False, "first_name": f"U{chat}", "language_code": "zh-hans"}
    return update(
        "text_zh",
        update_id=update_id,
        message_id=update_id,
        text=text,
        chat={"id": chat, "first_name": f"U{chat}", "type": "private"},
        **{"from": person},
    )


def _wait(predicate: Any, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return bool(predicate())


def test_two_servers_share_updates_the_outbox_and_faq_edits(
    servers: list[str], fake: FakeBotApi
) -> None:
    # Both started on an empty database at once: one migrated and seeded, the other waited.
    engine = make_engine(PG_URL)
    with session_scope(engine) as session:
        entries = load_entries(session=session)
    assert len({e.id for e in entries}) == len(entries) > 0

    # Each user's update goes to one server; Telegram's retry of the same update to the other.
    chats = [7_100_000 + n for n in range(USERS)]
    for n, chat in enumerate(chats):
        data = _asks(chat, 900_000 + n, "提前多久续展")
        assert _post(servers[n % 2], data).status_code == 200
        assert _post(servers[(n + 1) % 2], data).status_code == 200
    for chat in chats:
        assert _wait(lambda chat=chat: len(fake.received(chat)) >= 1)
    time.sleep(1.0)  # a duplicate, were there one, would arrive now
    for chat in chats:
        answers = fake.received(chat)
        assert len(answers) == 1, answers
        assert "12个月" in answers[0]

    # Queued messages: both outbox workers claim from one table; each is sent exactly once.
    target = 7_200_000
    with session_scope(engine) as session:
        for n in range(QUEUED):
            enqueue(
                session=session,
                sender="telegram",
                recipient=str(target),
                payload={"text": f"提醒 {n:03d}"},
                dedupe_key=f"scale-out-{n}",
            )
    assert _wait(lambda: len(fake.received(target)) >= QUEUED, timeout=60)
    time.sleep(1.0)
    sent = Counter(fake.received(target))
    assert sorted(sent) == [f"提醒 {n:03d}" for n in range(QUEUED)]
    assert set(sent.values()) == {1}

    # An edit made elsewhere (another server's admin, here this process) reaches both indexes.
    entry = next(e for e in entries if e.id == "renewal-window")
    answer = entry.answer.model_copy(update={"zh": MARK + entry.answer.zh})
    edited = entry.model_copy(update={"answer": answer})
    with session_scope(engine) as session:
        save_entry(session=session, entry=edited, author="scale-out test")
    engine.dispose()
    for n, url in enumerate(servers):
        chat = 7_300_000 + n

        def answered_new(url: str = url, chat: int = chat) -> bool:
            before = len(fake.received(chat))
            _post(url, _asks(chat, 950_000 + chat % 1000 * 100 + before, "提前多久续展"))
            return (
                _wait(lambda: len(fake.received(chat)) > before, 10)
                and MARK in (fake.received(chat)[-1])
            )

        assert _wait(answered_new, timeout=30), fake.received(chat)
