"""The `tmbot` command line: serve, ask, chat, db and corpus commands."""

from __future__ import annotations

import json
import logging
import os
import sys
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.core.messages import Inbound
from bot.core.runtime import Runtime, build_runtime, prepare_database
from bot.core.settings import get_settings
from handlers.cli import backup as cli_backup
from handlers.cli import corpus as cli_corpus
from handlers.cli import experts as cli_experts
from handlers.cli import holidays as cli_holidays
from handlers.cli import marks as cli_marks
from handlers.cli import privacy as cli_privacy
from handlers.cli import report as cli_report
from handlers.cli import telegram as cli_telegram
from handlers.cli import tickets as cli_tickets
from handlers.cli import tools as cli_tools
from handlers.cli import users as cli_users
from handlers.cli import wechat as cli_wechat

__all__ = ("app", "ask_one")

app = typer.Typer(
    help="tmbot: the assistant of a Trademark Brand Guidance Station.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
corpus_app = typer.Typer(help="The FAQ corpus: export, import, check.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(corpus_app, name="corpus")
corpus_app.command("check")(cli_corpus.corpus_check)
app.add_typer(cli_experts.app, name="experts")
app.add_typer(cli_privacy.app, name="privacy")
app.add_typer(cli_holidays.app, name="holidays")
app.add_typer(cli_marks.app, name="marks")
app.add_typer(cli_telegram.app, name="telegram")
app.add_typer(cli_tickets.app, name="tickets")
app.add_typer(cli_users.app, name="user")
app.add_typer(cli_wechat.app, name="wechat")
app.command()(cli_backup.backup)
app.command()(cli_backup.restore)
cli_tools.register(app)  # renewal, fees, classes
cli_report.register(app)  # stats, report annual


def _runtime() -> Runtime:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return build_runtime(get_settings())


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Start the web chat, webhooks and admin on http://HOST:PORT."""
    import logging.config

    from handlers.web.logs import LOG_CONFIG

    logging.config.dictConfig(LOG_CONFIG)
    settings = get_settings()
    if settings.uses_dev_secret:
        # Allowed only because TMBOT_ENV says development (production refuses to start).
        logging.getLogger("tmbot").warning(
            "TMBOT_SECRET_KEY is the public development placeholder: anyone can forge staff "
            "sessions and calendar links. Set TMBOT_SECRET_KEY before this serves real users."
        )
    from storage.db import make_engine

    # Migrate once here, before the workers start, so they never race on a new database.
    engine = make_engine(settings.database_url)
    prepare_database(settings, engine)
    engine.dispose()
    typer.echo(f"tmbot: web chat on http://{host}:{port}/  (database: {settings.database_url})")
    sys.stdout.flush()
    # A fresh process for the server: this one holds every command's imports and Alembic's.
    from handlers.web.serve import server_env

    server = [sys.executable, "-m", "handlers.web.serve", host, str(port), str(workers)]
    os.execve(sys.executable, server, server_env(os.environ))


def ask_one(runtime: Runtime, question: str, *, user: str | None = None) -> dict[str, Any]:
    """One question through the core, as the stable JSON contract of `tmbot ask --json`.

    With `user`, the message continues that user's one conversation (the state `tmbot chat
    --user` keeps); without, it starts a fresh one.
    """
    user_ref = user if user is not None else f"ask-{uuid.uuid4().hex[:12]}"
    inbound = Inbound(channel="cli", user_ref=user_ref, text=question)
    outcome = runtime.conversation.handle_turn(inbound)
    faq_id = outcome.faq_id if outcome.intent == "faq" else None
    return {
        "question": question,
        "lang": outcome.lang,
        "faq_id": faq_id,
        "topic": outcome.topic if faq_id else None,
        "score": round(outcome.score, 1),
        "intent": outcome.intent,
        "answer": "\n\n".join(r.text for r in outcome.replies),
        "suggestions": outcome.suggestions,
        "result": outcome.result,
    }


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question; none = one per stdin line.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per question.")] = False,
    user: Annotated[
        str | None,
        typer.Option(help="Conversation id: every line continues NAME's one conversation."),
    ] = None,
) -> None:
    """Answer one question, or every line of standard input (each fresh unless --user)."""
    runtime = _runtime()
    questions = [question] if question is not None else (line.rstrip("\n") for line in sys.stdin)
    for q in questions:
        if question is None and not q.strip():
            continue
        result = ask_one(runtime, q, user=user)
        if as_json:
            typer.echo(json.dumps(result, ensure_ascii=False))
        else:
            typer.echo(result["answer"] + "\n")


@app.command()
def chat(
    user: Annotated[
        str, typer.Option(help="Conversation id (keeps state between runs).")
    ] = "terminal",
) -> None:
    """Chat with tmbot in the terminal (Ctrl-D or 'exit' to quit)."""
    runtime = _runtime()
    typer.echo("tmbot — 输入问题，exit 退出 / type a question, 'exit' to quit")
    while True:
        try:
            text = input("> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            return
        if text.strip().lower() in {"exit", "quit", "退出程序"}:
            return
        for reply in runtime.conversation.handle(Inbound(channel="cli", user_ref=user, text=text)):
            typer.echo(reply.text)
            for i, choice in enumerate(reply.choices, 1):
                typer.echo(f"  [{i}] {choice.label}")
        typer.echo("")


@app.command()
def worker(
    interval: Annotated[float, typer.Option(help="Seconds between outbox passes.")] = 2.0,
) -> None:
    """Deliver queued notifications, relayed replies and reminders (runs until stopped)."""
    import time

    from bot.delivery.worker import OutboxWorker
    from bot.handoff.delivered import observer_for
    from bot.handoff.outage import outage_alert_for
    from bot.handoff.sweep import housekeeping_for
    from handlers.notify.senders import build_senders

    runtime = _runtime()
    senders = {s.name: s for s in build_senders(runtime.settings, runtime.engine)}
    outbox = OutboxWorker(
        runtime.engine,
        senders,
        housekeeping=housekeeping_for(runtime.settings),
        observer=observer_for(runtime.settings),
        alert=outage_alert_for(runtime.settings),
    )
    typer.echo(f"tmbot worker: senders {', '.join(sorted(senders))}; Ctrl-C to stop")
    try:
        while True:
            outbox.run_once()
            time.sleep(interval)
    except KeyboardInterrupt:
        return


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema and load the bundled corpus if it is empty."""
    settings = get_settings()
    from storage.db import make_engine

    loaded = prepare_database(settings, make_engine(settings.database_url))
    typer.echo(f"database up to date ({settings.database_url}); corpus entries loaded: {loaded}")


@corpus_app.command("export")
def corpus_export(directory: Annotated[Path, typer.Argument(help="Folder to write.")]) -> None:
    """Write the corpus in the database as knowledge/ YAML files."""
    from knowledge.loader import dump_corpus
    from storage.db import session_scope
    from storage.faq import load_entries

    runtime = _runtime()
    with session_scope(runtime.engine) as session:
        entries = load_entries(session=session)
    files = dump_corpus(entries, directory)
    typer.echo(f"exported {len(entries)} entries to {len(files)} files in {directory}")


@corpus_app.command("import")
def corpus_import(
    directory: Annotated[Path, typer.Argument(help="Folder of corpus YAML files.")],
    author: Annotated[str, typer.Option(help="Recorded as the editor.")] = "cli",
) -> None:
    """Validate a corpus folder and save its entries (each change becomes a revision)."""
    from knowledge.loader import load_corpus
    from storage.db import session_scope
    from storage.errors import CorpusError
    from storage.faq import import_entries

    try:
        entries = load_corpus(directory)
    except CorpusError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    runtime = _runtime()
    with session_scope(runtime.engine) as session:
        changed = import_entries(session=session, entries=entries, author=author)
    typer.echo(f"imported {len(entries)} entries; {changed} new or changed")


if __name__ == "__main__":
    app()
