"""FAQ admin review pages: try a question, warnings (stale facts, near-duplicates), and the
unanswered questions users asked, grouped by similarity, with add-as-alternate / new / dismiss.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from bot.core.messages import Inbound
from bot.core.ports import Outcome
from bot.core.runtime import Runtime
from handlers.web.auth import AdminUser, audit, require_admin
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render, station_today
from knowledge.index import FaqIndex, Match
from knowledge.laws import outdated_texts
from knowledge.normalize import detect_lang
from knowledge.pii import has_pii
from knowledge.review import (
    DUPLICATE_THRESHOLD,
    cluster,
    near_duplicates,
    question_key,
    stale_entries,
)
from knowledge.schema import FaqEntry
from knowledge.tools.holiday_import import missing_arrangement_warning
from knowledge.tools.workdays import load_calendar
from storage.accounts import StaffAccount
from storage.errors import CorpusError, NotFound
from storage.faq import corpus_version, get_record, load_entries, save_entry
from storage.faq_review import UnansweredQuestion, handled_keys, mark_handled, unanswered_questions

__all__ = ("handle_group", "router")

router = APIRouter(
    prefix="/admin",
    dependencies=[Depends(require_admin), Depends(check_csrf)],
    include_in_schema=False,
)
_dup_cache: dict[tuple[str, int, float], list[Any]] = {}
_GROUP_WINDOW = dt.timedelta(days=365)  # how far back a group action looks for its members


def preview(
    runtime: Runtime, text: str, lang: str, *, drafts: bool = False
) -> tuple[list[Match], Outcome | None, str]:
    """Ranked entries and the reply a user would get: a real turn through the same pipeline,
    in a transaction that is rolled back (no question log, state, ticket or booking is left
    behind). With `drafts`, draft entries are in the index as if published."""
    conv = runtime.conversation
    with Session(runtime.engine) as session:
        try:
            index = None
            if drafts:
                entries = load_entries(session=session, statuses=["draft", "published"])
                # The index ranks published entries only: drafts are shown as if published.
                entries = [e.model_copy(update={"status": "published"}) for e in entries]
                index = FaqIndex(entries, conv.index.glossary)
            ranking = index or conv.index.get(session)
            matches = ranking.search(text, today=station_today(runtime), lang=lang, limit=10)
            inbound = Inbound(
                channel="admin", user_ref="admin-try", text=text, extras={"lang": lang}
            )
            outcome = conv.try_turn(session, inbound, index=index)
            return matches, outcome, ""
        except Exception as exc:  # a skill failing here must not take the admin page down
            return [], None, f"{type(exc).__name__}: {exc}"
        finally:
            session.rollback()


@router.get("/try")
def try_question(
    request: Request, runtime: RuntimeDep, q: str = "", lang: str = "auto", drafts: str = ""
) -> Response:
    """Type a question; see the ranked entries with scores and tmbot's reply."""
    text = q.strip()[: runtime.settings.max_message_chars]
    chosen = lang if lang in ("zh", "en") else (detect_lang(text) or "zh")
    with_drafts = drafts in ("1", "on", "true")
    matches, outcome, error = (
        preview(runtime, text, chosen, drafts=with_drafts) if text else ([], None, "")
    )
    settings = runtime.settings
    return render(
        request,
        "admin/try.html",
        q=q,
        lang=lang,
        used_lang=chosen,
        drafts=with_drafts,
        matches=matches,
        outcome=outcome,
        error=error,
        answer_at=settings.answer_threshold,
        suggest_at=settings.suggest_threshold,
    )


def _duplicates(runtime: Runtime, session: Session, threshold: float) -> list[Any]:
    # Comparing every phrasing costs up to seconds on a big corpus: once per corpus version.
    key = (runtime.settings.database_url, corpus_version(session=session), threshold)
    if key not in _dup_cache:
        _dup_cache.clear()
        entries = load_entries(session=session, statuses=["draft", "published"])
        _dup_cache[key] = near_duplicates(entries, threshold)
    return _dup_cache[key]


@router.get("/warnings")
def warnings(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    threshold: Annotated[float, Query(ge=50, le=100)] = DUPLICATE_THRESHOLD,
) -> Response:
    """Entries to review: facts checked too long ago, and questions two entries both claim."""
    entries = load_entries(session=session)
    max_age = runtime.settings.corpus_max_age_days
    today = station_today(runtime)
    stale = stale_entries(entries, today, max_age)
    return render(
        request,
        "admin/warnings.html",
        stale=stale,
        holidays=missing_arrangement_warning(today, load_calendar(runtime.settings.holidays_file)),
        law_notices=[e for e in entries if e.valid_on(today) and outdated_texts(e, today)],
        max_age=max_age,
        duplicates=_duplicates(runtime, session, threshold),
        threshold=threshold,
    )


def _open_questions(session: Session, since: dt.datetime) -> list[UnansweredQuestion]:
    handled = handled_keys(session=session)
    items = unanswered_questions(session=session, since=since)
    return [q for q in items if handled.get(question_key(q.text), 0) < q.log_id]


@router.get("/unanswered")
def unanswered(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
) -> Response:
    """Questions users did not get a good answer to, grouped by similarity, biggest first."""
    since = runtime.conversation.clock.now() - dt.timedelta(days=days)
    groups = cluster(_open_questions(session, since), text=lambda q: q.text)
    index = runtime.conversation.index.get(session)
    today = station_today(runtime)
    rows = []
    for group in groups[:200]:
        first = group[0]
        nearest = index.search(first.text, today=today, limit=1)
        rows.append(
            {
                "count": len(group),
                "text": first.text,
                "rep": question_key(first.text),
                "upto": max(q.log_id for q in group),
                "examples": group[:3],
                "reasons": Counter(q.reason for q in group).most_common(),
                "nearest": nearest[0] if nearest else None,
            }
        )
    return render(
        request,
        "admin/unanswered.html",
        rows=rows,
        days=days,
        total=sum(r["count"] for r in rows),
        tz=runtime.settings.timezone,
    )


def handle_group(
    session: Session,
    rep: str,
    upto: int,
    action: str,
    user: StaffAccount,
    entry_id: str | None = None,
) -> int:
    """Mark every phrasing of the group holding `rep` as handled up to log id `upto`."""
    since = dt.datetime.now(dt.UTC) - _GROUP_WINDOW
    items = [q for q in _open_questions(session, since) if q.log_id <= upto]
    keys = {rep}
    for group in cluster(items, text=lambda q: q.text):
        group_keys = {question_key(q.text) for q in group}
        if rep in group_keys:
            keys |= group_keys
            break
    return mark_handled(
        session=session,
        keys=sorted(keys),
        upto_log_id=upto,
        action=action,
        by=user.username,
        entry_id=entry_id,
    )


@router.post("/unanswered/dismiss")
def dismiss(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    rep: Annotated[str, Form(min_length=1, max_length=500)],
    upto: Annotated[int, Form(ge=0)],
) -> Response:
    """Hide a group (questions asked again later show up again)."""
    count = handle_group(session, rep, upto, "dismissed", user)
    audit(
        session, user, "faq.unanswered.dismiss", f"question:{rep[:180]}", {"keys": count}, request
    )
    flash(request, f"已忽略 Dismissed: {rep}")
    return RedirectResponse("/admin/unanswered", status_code=303)


@router.post("/unanswered/alternate")
def add_alternate(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    rep: Annotated[str, Form(min_length=1, max_length=500)],
    upto: Annotated[int, Form(ge=0)],
    entry_id: Annotated[str, Form(min_length=1, max_length=80)],
    text: Annotated[str, Form(min_length=1, max_length=500)],
) -> Response:
    """Add the phrasing as an alternate question of an entry (a new revision)."""
    record = get_record(session=session, entry_id=entry_id.strip())
    if record is None:
        raise NotFound(f"no FAQ entry {entry_id!r}")
    entry = FaqEntry.model_validate(record.data)
    phrasing = " ".join(text.split())
    lang = detect_lang(phrasing) or "zh"
    if has_pii(phrasing):  # a user's contact must never become public FAQ text
        msg = "问法含电话/邮箱/证件号，未加入 / The phrasing holds a phone, e-mail or ID number"
        flash(request, msg, "warn")
        return RedirectResponse("/admin/unanswered", status_code=303)
    if phrasing in entry.phrasings(lang):
        flash(request, f"{entry.id} 已有此问法 / already has this phrasing", "warn")
    else:
        alternates = entry.alternates.model_copy(
            update={lang: [*getattr(entry.alternates, lang), phrasing]}
        )
        try:
            entry = FaqEntry.model_validate({**entry.model_dump(), "alternates": alternates})
        except ValueError as exc:
            raise CorpusError(str(exc)) from exc
        record = save_entry(
            session=session, entry=entry, author=user.username, note=f"alternate: {phrasing}"
        )
        detail = {"revision": record.revision, "lang": lang, "text": phrasing}
        audit(session, user, "faq.alternate", f"faq:{entry.id}", detail, request)
        flash(request, f"已加入 {entry.id} 的问法 / Added to {entry.id}: {phrasing}")
    handle_group(session, rep, upto, "alternate", user, entry.id)
    return RedirectResponse("/admin/unanswered", status_code=303)
