"""The staff console: ticket queue, ticket page with transcript, claim, reply, resolve, re-open.

Routes only translate HTTP to `bot.handoff.helpdesk` calls; a refused move (InvalidTransition, lost
claim) becomes a flash message on the ticket page, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, func, select

from bot.delivery.messages import latest_states, message_states
from bot.handoff import helpdesk
from bot.handoff.assign import check_owner
from bot.handoff.outfiles import FileRefused, check_file, send_file
from handlers.web.auth import StaffUser, audit
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render
from handlers.wechat.outfiles import check_reachable
from storage.accounts import list_accounts
from storage.canned import canned_for, get_canned
from storage.errors import InvalidTransition, NotFound
from storage.outbox import OutboxMessage
from storage.ticket_files import files_for, get_file
from storage.ticket_notes import notes_for
from storage.ticket_reads import mark_read
from storage.ticket_search import VIEWS, search_tickets, user_history
from storage.tickets import (
    ACTIVE,
    Ticket,
    TicketStatus,
    get_ticket,
    ticket_deliveries,
    ticket_transcript,
)

__all__ = ("router",)

router = APIRouter(
    prefix="/staff/tickets", dependencies=[Depends(check_csrf)], include_in_schema=False
)
REPLY_MAX = 2000  # one chat message; longer answers belong in a call or a visit
STATUSES = ("active", *[s.value for s in TicketStatus], "all")
CHANNELS = ("web", "telegram", "wechat")  # the channels users reach staff on


# How a file reaches the user on each channel, shown beside the upload.
FILE_HOW = {
    "telegram": "图片以照片发送，其他文件以文档发送。 / Images go as photos, other files as documents.",
    "wechat": (
        "图片以图片消息发送；其他文件（公众号无法直接发送）以下载链接发送，链接{days}天内有效；"
        "超过48小时窗口时与文字回复一样，等用户下次发消息后送达。 / Images go as image messages; "
        "other files, which an Official Account cannot send, as a download link valid {days} "
        "days; outside the 48-hour window they wait for the user's next message, like text."
    ),
    "web": "在对话中显示为图片或下载链接。 / Shown in the chat as the image or a download link.",
}
# Shown beside the upload of a WeChat ticket when links cannot be made (handlers/wechat/outfiles.py).
NO_LINKS = (
    "注意：未设置 TMBOT_PUBLIC_URL，目前只能给微信用户发送图片。 / Note: TMBOT_PUBLIC_URL is not "
    "set, so only images can be sent to WeChat users now."
)


def _ticket(session: SessionDep, number: str) -> Ticket:
    ticket = get_ticket(session=session, number=number)
    if ticket is None:
        raise NotFound(f"no ticket {number}")
    return ticket


def _transition(request: Request, failure: str, action: Callable[[], object]) -> bool:
    """Run one ticket transition; a refused one is flashed to the staff member with the reason."""
    try:
        action()
    except InvalidTransition as exc:
        flash(request, f"{failure}: {exc}", "error")
        return False
    return True


def _back(number: str) -> RedirectResponse:
    return RedirectResponse(f"/staff/tickets/{number}", status_code=303)


def _local(runtime: RuntimeDep) -> ZoneInfo:
    return ZoneInfo(runtime.settings.timezone)


@router.get("")
def queue(
    request: Request,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    status: Annotated[str, Query(max_length=20)] = "active",
    channel: Annotated[str, Query(max_length=20)] = "",
    breached: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    view: Annotated[str, Query(max_length=20)] = "all",
) -> Response:
    """The ticket queue, newest first, with search, views and filters (unknown values = all)."""
    now = runtime.conversation.clock.now()
    status = status if status in STATUSES else "active"
    channel = channel if channel in CHANNELS else ""
    view = view if view in VIEWS else "all"
    if breached in ("true", "on", "1"):  # the old checkbox: same as the breached view
        view = "breached"
    tickets = search_tickets(
        session=session,
        q=q,
        view=view,
        staff=user.username,
        status=None if status == "all" else status,
        channel=channel or None,
        now=now,
    )
    undelivered = session.exec(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.ref_kind == "ticket", col(OutboxMessage.status) != "sent")
        .group_by(OutboxMessage.status)
    ).all()
    # Notifiers and channels that keep failing: since when, how many rows they hold back.
    failing = session.exec(
        select(OutboxMessage.sender, func.min(OutboxMessage.failing_since), func.count())
        .where(
            OutboxMessage.ref_kind == "ticket",
            col(OutboxMessage.status).in_(["pending", "sending"]),
            col(OutboxMessage.failing_since).is_not(None),
        )
        .group_by(OutboxMessage.sender)
        .order_by(func.min(OutboxMessage.failing_since))
    ).all()
    return render(
        request,
        "staff/queue.html",
        tickets=tickets,
        now=now,
        tz=_local(runtime),
        status=status,
        channel=channel,
        breached=view == "breached",
        q=q,
        view=view,
        views=VIEWS,
        statuses=STATUSES,
        channels=CHANNELS,
        undelivered=dict(undelivered),
        failing=failing,
        delivery=latest_states(
            session=session, ref_kind="ticket", ref_ids=[t.number for t in tickets]
        ),
        user=user,
    )


@router.get("/{number}")
def ticket_page(
    request: Request, number: str, user: StaffUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """One ticket: facts, transcript, deliveries, reply box and actions."""
    ticket = _ticket(session, number)
    transcript = ticket_transcript(session=session, ticket=ticket)
    messages = message_states(
        session=session, ref_kind="ticket", ref_id=ticket.number, senders=[ticket.channel]
    )
    if transcript and transcript[-1].id is not None:
        mark_read(session=session, staff=user.username, ticket=ticket, message_id=transcript[-1].id)
        session.commit()  # the page's unread counter (read in its own session) must see it
    return render(
        request,
        "staff/ticket.html",
        t=ticket,
        transcript=transcript,
        deliveries=ticket_deliveries(session=session, number=ticket.number),
        files=files_for(session=session, ticket_number=ticket.number),
        messages=messages,
        reply_waiting=any(m.state == "waiting" for m in messages),
        now=runtime.conversation.clock.now(),
        tz=_local(runtime),
        canned=[
            (c.key, c.label, c.text(ticket.lang))
            for c in canned_for(session=session, channel=ticket.channel)
        ],
        active=ticket.status in ACTIVE,
        notes=notes_for(session=session, ticket_id=ticket.id or 0),
        colleagues=[
            a.username
            for a in list_accounts(session=session)
            if a.active and a.role in ("admin", "staff")
        ],
        history=user_history(session=session, ticket=ticket),
        reply_max=REPLY_MAX,
        file_max_mb=runtime.settings.handoff_file_max_mb,
        file_how=FILE_HOW.get(ticket.channel, "").format(days=runtime.settings.wechat_link_days),
        file_warn=NO_LINKS
        if ticket.channel == "wechat" and not runtime.settings.public_url
        else "",
        user=user,
    )


@router.get("/{number}/files/{file_id}")
def ticket_file(number: str, file_id: int, _user: StaffUser, session: SessionDep) -> Response:
    """A file of the ticket (the user's, or one staff sent), as a download (never shown
    inline); staff only."""
    row = get_file(session=session, ticket_number=number, file_id=file_id)
    if row is None:
        raise NotFound(f"no file {file_id} on ticket {number}")
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in row.filename) or "file"
    headers = {
        "Content-Disposition": f'attachment; filename="{safe}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return Response(row.content, media_type=row.mime, headers=headers)


@router.post("/{number}/claim")
def claim(
    request: Request, number: str, user: StaffUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """Claim an open ticket; of two staff claiming at once, one gets it."""
    ticket = _ticket(session, number)
    now = runtime.conversation.clock.now()
    if helpdesk.claim(session=session, ticket=ticket, staff=user.username, now=now):
        audit(session, user, "ticket.claim", f"ticket:{number}", request=request)
        flash(request, f"已认领 {number} / Claimed")
    else:
        flash(
            request,
            f"已被 {ticket.claimed_by} 认领 / Already claimed by {ticket.claimed_by}",
            "warn",
        )
    return _back(number)


@router.post("/{number}/reply")
def reply(
    request: Request,
    number: str,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    text: Annotated[str, Form(max_length=100_000)] = "",
    canned: Annotated[str, Form(max_length=40)] = "",
    and_resolve: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Send a reply to the user on their own channel (through the outbox); with `and_resolve`
    the reply is the resolution note, so the user gets it once, with the rating question."""
    ticket = _ticket(session, number)
    saved = get_canned(session=session, key=canned) if canned and not text.strip() else None
    body = text.strip() or (saved.text(ticket.lang) if saved and saved.active else "")
    if not body:
        flash(request, "回复内容为空 / The reply is empty", "error")
        return _back(number)
    if len(body) > REPLY_MAX:
        flash(
            request,
            f"回复太长：{len(body)} 字，最多 {REPLY_MAX} 字 / The reply is too long: "
            f"{len(body)} characters, at most {REPLY_MAX}",
            "error",
        )
        return _back(number)
    if not _transition(
        request, "无法回复 / Cannot reply", lambda: check_owner(ticket, user.username)
    ):
        return _back(number)
    if and_resolve:
        return resolve(request, number, user, session, runtime, note=body)
    queued: list[tuple[object, str | None]] = []
    if not _transition(
        request,
        "无法回复 / Cannot reply",
        lambda: queued.append(
            helpdesk.reply_queued(
                session=session,
                ticket=ticket,
                staff=user.username,
                text=body,
                now=runtime.conversation.clock.now(),
            )
        ),
    ):
        return _back(number)
    audit(session, user, "ticket.reply", f"ticket:{number}", {"chars": len(body)}, request)
    warning = queued[0][1] if queued else None
    if warning:  # told at once, not found out later: the reply cannot go out now
        flash(request, f"回复已排队 / Reply queued — {warning}", "warn")
    else:
        flash(
            request,
            "回复已排队发送，送达后状态显示“已送达” / Reply queued; shown as delivered once sent",
        )
    return _back(number)


@router.post("/{number}/file")
def file_to_user(
    request: Request,
    number: str,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    upload: Annotated[UploadFile, File()],
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """Send a file back to the user on their own channel (the text, if any, goes just before
    it); refused with the reason when it is too large or not an allowed type."""
    ticket = _ticket(session, number)
    limit = runtime.settings.handoff_file_max_mb * 1024 * 1024
    content = upload.file.read(limit + 1)  # never more than the cap plus one byte in memory
    try:
        checked = check_file(upload.filename or "", content, limit)
        check_reachable(ticket.channel, checked, runtime.settings.public_url)
    except FileRefused as exc:
        flash(request, f"文件未发送 / File not sent: {exc}", "error")
        return _back(number)
    if len(text.strip()) > REPLY_MAX:
        flash(request, f"说明最多 {REPLY_MAX} 字 / At most {REPLY_MAX} characters", "error")
        return _back(number)
    if not _transition(
        request, "无法发送 / Cannot send", lambda: check_owner(ticket, user.username)
    ):
        return _back(number)
    queued: list[tuple[object, str | None]] = []
    if not _transition(
        request,
        "无法发送 / Cannot send",
        lambda: queued.append(
            send_file(
                session=session,
                ticket=ticket,
                staff=user.username,
                file=checked,
                caption=text,
                now=runtime.conversation.clock.now(),
            )
        ),
    ):
        return _back(number)
    audit(
        session,
        user,
        "ticket.file",
        f"ticket:{number}",
        {"file": checked.filename, "bytes": len(checked.content), "mime": checked.mime},
        request,
    )
    warning = queued[0][1] if queued else None
    if warning:
        flash(request, f"文件已排队 / File queued — {warning}", "warn")
    else:
        flash(
            request,
            f"文件 {checked.filename} 已排队发送，送达后状态显示“已送达” / "
            f"File {checked.filename} queued; shown as delivered once sent",
        )
    return _back(number)


@router.post("/{number}/resolve")
def resolve(
    request: Request,
    number: str,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    note: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """Resolve with a note; the user is told and asked for a rating."""
    ticket = _ticket(session, number)
    if not note.strip():
        flash(request, "请填写处理说明 / Write a resolution note", "error")
        return _back(number)
    if len(note.strip()) > REPLY_MAX:
        flash(
            request,
            f"说明最多 {REPLY_MAX} 字 / A note may have at most {REPLY_MAX} characters",
            "error",
        )
        return _back(number)
    if not _transition(
        request, "无法结案 / Cannot resolve", lambda: check_owner(ticket, user.username)
    ):
        return _back(number)
    if not _transition(
        request,
        "无法结案 / Cannot resolve",
        lambda: helpdesk.resolve(
            session=session,
            ticket=ticket,
            staff=user.username,
            note=note,
            now=runtime.conversation.clock.now(),
        ),
    ):
        return _back(number)
    audit(session, user, "ticket.resolve", f"ticket:{number}", request=request)
    flash(request, f"{number} 已结案 / Resolved")
    return _back(number)


@router.post("/{number}/reopen")
def reopen(
    request: Request, number: str, user: StaffUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """Take a resolved or closed ticket up again."""
    ticket = _ticket(session, number)
    if not _transition(
        request,
        "无法重新打开 / Cannot re-open",
        lambda: helpdesk.reopen(
            session=session,
            ticket=ticket,
            staff=user.username,
            now=runtime.conversation.clock.now(),
        ),
    ):
        return _back(number)
    audit(session, user, "ticket.reopen", f"ticket:{number}", request=request)
    flash(request, f"{number} 已重新打开 / Re-opened")
    return _back(number)
