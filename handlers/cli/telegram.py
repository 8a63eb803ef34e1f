"""`tmbot telegram ...`: register the webhook, inspect it, or run the bot by long polling."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated
from urllib.parse import urlsplit

import typer
from telegram import Bot, BotCommand, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings, get_settings
from handlers.telegram.adapter import ALLOWED_UPDATES, build_application
from handlers.telegram.sender import api_urls
from handlers.telegram.texts import COMMANDS

__all__ = ("app", "poll_until", "webhook_url")

app = typer.Typer(
    help="The Telegram bot: webhook registration and local polling.", no_args_is_help=True
)
WEBHOOK_PATH = "/telegram/webhook"


def _settings() -> Settings:
    settings = get_settings()
    if settings.telegram_token is None:
        typer.echo("error: set TMBOT_TELEGRAM_TOKEN (from @BotFather) first", err=True)
        raise typer.Exit(1)
    return settings


def _bot(settings: Settings) -> Bot:
    assert settings.telegram_token is not None
    base, files = api_urls(settings)
    request = HTTPXRequest(connection_pool_size=2)
    return Bot(
        settings.telegram_token.get_secret_value(),
        base_url=base,
        base_file_url=files,
        request=request,
        get_updates_request=request,
    )


def webhook_url(url: str) -> str:
    """The webhook address: a bare origin ("https://bot.example.com") gets /telegram/webhook."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise typer.BadParameter(f"{url!r} is not an absolute URL (https://host/...)")
    return url.rstrip("/") + WEBHOOK_PATH if parts.path in ("", "/") else url


async def _set_webhook(settings: Settings, url: str, drop_pending: bool) -> None:
    assert settings.telegram_secret is not None
    async with _bot(settings) as bot:
        await bot.set_webhook(
            url=url,
            secret_token=settings.telegram_secret.get_secret_value(),
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=drop_pending,
        )
        # The command menu in the user's app language: Chinese for zh, English otherwise.
        scope = BotCommandScopeDefault()
        await bot.set_my_commands([BotCommand(c, en) for c, _zh, en in COMMANDS], scope=scope)
        zh = [BotCommand(c, zh) for c, zh, _en in COMMANDS]
        await bot.set_my_commands(zh, scope=scope, language_code="zh")


@app.command("set-webhook")
def set_webhook(
    url: Annotated[
        str, typer.Argument(help="Public HTTPS address of tmbot, e.g. https://bot.example.com")
    ],
    drop_pending: Annotated[
        bool, typer.Option(help="Discard updates Telegram queued while no webhook answered.")
    ] = False,
) -> None:
    """Tell Telegram to POST updates to URL (+ /telegram/webhook) with the secret token."""
    settings = _settings()
    if settings.telegram_secret is None:
        typer.echo("error: set TMBOT_TELEGRAM_SECRET (1-256 of A-Z a-z 0-9 _ -) first", err=True)
        raise typer.Exit(1)
    target = webhook_url(url)
    try:
        asyncio.run(_set_webhook(settings, target, drop_pending))
    except TelegramError as exc:
        typer.echo(f"error: Telegram refused the webhook: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"webhook set: {target} (updates: {', '.join(ALLOWED_UPDATES)}); commands set")
    if settings.telegram_staff_chat is not None:
        typer.echo(PRIVACY_NOTE)


PRIVACY_NOTE = (
    "staff group: staff answer a ticket by replying to the bot's message about it, or with "
    "/reply T-YYYY-NNNNNN TEXT. With Telegram's default privacy mode the bot receives exactly "
    "those (replies to its messages and commands), which is all it needs; to let it see every "
    "message, turn privacy off (@BotFather → /setprivacy → Disable, then re-add the bot) or make "
    "it a group admin. Run `tmbot telegram check` to see what it can read."
)


async def _check(settings: Settings) -> list[str]:
    async with _bot(settings) as bot:
        me = await bot.get_me()
        reads_all = bool(me.can_read_all_group_messages)
        lines = [
            f"bot: @{me.username}",
            "privacy mode: "
            + (
                "off (reads every group message)"
                if reads_all
                else "on (sees commands and replies to its own messages only)"
            ),
        ]
        chat = settings.telegram_staff_chat
        if chat is None:
            lines.append("staff group: not set (TMBOT_TELEGRAM_STAFF_CHAT)")
            return lines
        try:
            member = await bot.get_chat_member(chat, me.id)
        except TelegramError as exc:
            lines.append(f"staff group {chat}: cannot be read: {exc.message} (add the bot to it)")
            return lines
        status = str(member.status)
        if status in ("left", "kicked"):
            lines.append(f"staff group {chat}: the bot is not a member ({status}): add it again")
        elif status in ("administrator", "creator") or reads_all:
            lines.append(f"staff group {chat}: {status}; reads every message")
        else:
            lines.append(
                f"staff group {chat}: {status}; sees replies to its messages and commands "
                "(enough to answer tickets)"
            )
        return lines


@app.command("check")
def check() -> None:
    """Report whether the bot can read the staff group (privacy mode, membership, admin)."""
    settings = _settings()
    try:
        lines = asyncio.run(_check(settings))
    except TelegramError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo("\n".join(lines))
    if any("not a member" in line or "cannot be read" in line for line in lines):
        raise typer.Exit(1)


@app.command("webhook-info")
def webhook_info() -> None:
    """Show what Telegram knows about the webhook: URL, queued updates, last error."""
    settings = _settings()

    async def info() -> str:
        async with _bot(settings) as bot:
            hook = await bot.get_webhook_info()
            lines = [
                f"bot: @{bot.username}",
                f"url: {hook.url or '(none: polling or not set)'}",
                f"pending updates: {hook.pending_update_count}",
            ]
            if hook.last_error_message:
                lines.append(f"last error: {hook.last_error_message} ({hook.last_error_date})")
            return "\n".join(lines)

    try:
        typer.echo(asyncio.run(info()))
    except TelegramError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc


async def poll_until(runtime: Runtime, stop: asyncio.Event, *, poll_interval: float = 0.0) -> None:
    """Run the bot by long polling until `stop` is set (deletes a webhook: Telegram allows one)."""
    application = build_application(runtime, polling=True)
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=poll_interval, allowed_updates=list(ALLOWED_UPDATES)
        )
        await application.start()
        logging.getLogger(__name__).info("polling as @%s", application.bot.username)
        try:
            await stop.wait()
        finally:  # also on Ctrl-C (the task is cancelled): stop before the context shuts down
            await application.updater.stop()
            await application.stop()


@app.command()
def poll() -> None:
    """Run the bot locally by long polling (no public URL needed); Ctrl-C to stop.

    Removes the webhook while running; run set-webhook again to go back.
    """
    settings = _settings()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    runtime = build_runtime(settings)
    from bot.delivery.worker import OutboxWorker
    from bot.handoff.delivered import observer_for
    from bot.handoff.sweep import housekeeping_for
    from handlers.notify.senders import build_senders

    worker = OutboxWorker(
        runtime.engine,
        {s.name: s for s in build_senders(settings, runtime.engine)},
        housekeeping=housekeeping_for(settings),
        observer=observer_for(settings),
    )
    if settings.run_worker:  # replies queued after a 429 are sent from the outbox
        worker.start()
    typer.echo("tmbot: polling Telegram; Ctrl-C to stop")

    try:
        asyncio.run(poll_until(runtime, asyncio.Event()))
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
        runtime.engine.dispose()
