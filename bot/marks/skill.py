"""The "my marks" skill: list, add (several at once), delete; answers to reminders.

Phrases it owns (nothing else): 我的商标 / my marks, 添加商标 / add a mark (lines may follow in
the same message), 删除商标 N / delete mark N, 已续展 N / renewed N, 停止提醒 N / stop reminders N,
and the `marks:` button payloads. The add flow (state in `ctx.flow_data`):

    collect -> (clarify: an ambiguous date asked back)* -> confirm -> consent -> done

`consent` is skipped when the user already answered the reminder question for earlier marks.
"""

from __future__ import annotations

import re

from bot.core.answers import NO_WORDS, YES_WORDS
from bot.core.context import Context
from bot.core.menu import CANCEL
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.marks.message import mark_line
from bot.marks.parse import Draft, LineError, parse_date_answer, parse_lines
from bot.marks.remind import tables_for
from bot.marks.schedule import Tables
from bot.marks.service import (
    Owner,
    expiry_of,
    mark_by_id,
    save_drafts,
    set_status,
)
from bot.marks.texts import mt
from storage.marks import Mark, delete_mark, find_mark, marks_of, set_consent

__all__ = ("MarksSkill",)

FLOW = "marks"
LIST_WORDS = frozenset({"我的商标", "my marks", "my trademarks", "marks:list"})
_ADD = re.compile(
    r"^\s*(?:添加商标|登记商标|add (?:a )?marks?|add (?:a )?trademarks?|marks:add)[\s:：]*", re.I
)
# Asked in one's own words ("到期前提醒我续展", "can you remind me when my trademark needs
# renewing"): the same add flow, which asks for the marks. Refusals ("不要提醒") are the privacy
# skill's, asked first.
_NOT_ZH = r"^(?!.*(?:不要|不用|别|取消|关闭|停止))"  # "不要提醒": the privacy skill's
_NOT_EN = r"^(?!.*\b(?:don'?t|stop|no)\b)"
_REMIND = re.compile(
    _NOT_ZH + r".*(?:(?:提醒|通知).{0,8}(?:续展|到期|过期)|(?:续展|到期|过期).{0,6}(?:提醒|通知)"
    r"|(?:设|设置|开通|订阅)(?:个|一个|一下)?(?:续展|到期)?提醒)"
    r"|" + _NOT_EN + r"(?=.*\b(?:renew\w*|expir\w*|deadlines?|due|trade ?marks?|marks?)\b)"
    r".*\b(?:remind (?:me|us)|(?:renewal|expiry|deadline) reminders?|set (?:up )?(?:a )?reminders?"
    r"|notify (?:me|us))\b",
    re.I,
)
# A reminder asked for without naming what of ("设个提醒", "set a reminder for me"): the renewal
# deadline's when the conversation is on renewal (booked consultations have reminders of their own).
_REMIND_BARE = re.compile(
    _NOT_ZH + r"(?=.*提醒)"
    r"|" + _NOT_EN + r".*\b(?:remind (?:me|us)|set (?:up )?(?:a |me a )?reminders?)\b",
    re.I,
)
_NUMBERED = re.compile(
    r"^\s*(删除商标|delete mark|remove mark|已续展|renewed|停止提醒|stop reminders)\s*[:：]?\s*(\d{5,10})\s*$",
    re.I,
)
_BUTTON = re.compile(r"^marks:(renewed|stop|delete):(\d+)$")
_ACTION = {
    "删除商标": "delete",
    "delete mark": "delete",
    "remove mark": "delete",
    "已续展": "renewed",
    "renewed": "renewed",
    "停止提醒": "stop",
    "stop reminders": "stop",
}
# Yes and no are the one vocabulary of bot/core/answers.py; the buttons add their payloads.
_YES = YES_WORDS | {"marks:confirm", "确认保存", "save them"}
_CONSENT_YES = YES_WORDS | {"marks:consent:yes", "同意提醒", "yes, remind me"}
_CONSENT_NO = NO_WORDS | {"marks:consent:no", "no reminders"}


def _out(replies: list[Reply], outcome: str = "handled") -> Outcome:
    return Outcome(replies=replies, intent="marks", outcome=outcome)


def _reply(text: str, choices: tuple[Choice, ...] = ()) -> Reply:
    return Reply(text, choices, intent="marks")


class MarksSkill:
    """Owns the "marks" flow and the my-marks commands."""

    name = FLOW

    def _t(self, ctx: Context) -> Tables:
        return tables_for(ctx.services.settings)  # read once per process (cached)

    def _owner(self, ctx: Context) -> Owner:
        return Owner(ctx.state.channel, ctx.state.user_ref, ctx.inbound.chat_ref, ctx.lang)

    def handle(self, ctx: Context) -> Outcome | None:
        text, key = ctx.text.strip(), ctx.text.strip().lower().rstrip("。.!！")
        if ctx.flow == FLOW:
            return self._in_flow(ctx, text, key)
        if key in LIST_WORDS:
            return self._list(ctx)
        renewal = ctx.dialogue.subject == "renewal" and _REMIND_BARE.search(text) is not None
        if (renewal or _REMIND.search(text)) and not _ADD.match(text):
            ctx.flow = FLOW
            ctx.flow_data.update(state="collect")
            prompt = mt("remind.intro", ctx.lang) + "\n" + mt("add.prompt", ctx.lang)
            return _out([_reply(prompt, (self._cancel(ctx),))], "started")
        if m := _ADD.match(text):
            rest = text[m.end() :].strip()
            if _REMIND.search(rest) and not re.search(r"\d", rest):
                rest = (
                    ""  # the reminder button's label typed ("登记商标，到期提醒我"): no marks yet
                )
            ctx.flow = FLOW
            ctx.flow_data.update(state="collect")
            if rest:
                outcome = self._collect(ctx, rest)  # without passthrough: always an answer
                assert outcome is not None
                return outcome
            return _out([_reply(mt("add.prompt", ctx.lang), (self._cancel(ctx),))], "started")
        if m := _NUMBERED.match(text):
            return self._by_number(ctx, _ACTION[m.group(1).lower()], m.group(2))
        if m := _BUTTON.match(text):
            mark = mark_by_id(session=ctx.session, owner=self._owner(ctx), mark_id=int(m.group(2)))
            if mark is None:
                return _out([_reply(mt("not_found", ctx.lang, number=m.group(2)))], "not_found")
            return self._act(ctx, m.group(1), mark)
        if text.startswith("marks:"):  # a button of a finished flow
            return self._list(ctx)
        return None

    # --- list and single-mark actions ---------------------------------------------------------

    def _list(self, ctx: Context) -> Outcome:
        rows = marks_of(session=ctx.session, channel=ctx.state.channel, user_ref=ctx.state.user_ref)
        add = Choice(mt("list.add", ctx.lang), "marks:add")
        if not rows:
            return _out([_reply(mt("list.empty", ctx.lang), (add,))], "empty")
        lines = [mt("list.head", ctx.lang, count=len(rows))]
        tables = self._t(ctx)
        lines += [
            f"{i}. {mark_line(m, ctx.today, tables, ctx.lang)}" for i, m in enumerate(rows, 1)
        ]
        lines.append(mt("list.foot", ctx.lang))
        return _out([_reply("\n".join(lines), (add,))], "listed")

    def _by_number(self, ctx: Context, action: str, number: str) -> Outcome:
        mark = find_mark(
            session=ctx.session,
            channel=ctx.state.channel,
            user_ref=ctx.state.user_ref,
            number=number,
        )
        if mark is None:
            return _out([_reply(mt("not_found", ctx.lang, number=number))], "not_found")
        return self._act(ctx, action, mark)

    def _act(self, ctx: Context, action: str, mark: Mark) -> Outcome:
        number = mark.registration_number
        if action == "delete":
            delete_mark(session=ctx.session, mark=mark)
            return _out([_reply(mt("deleted", ctx.lang, number=number))], "deleted")
        set_status(mark, "renewed" if action == "renewed" else "stopped", "user", ctx.now)
        ctx.session.add(mark)
        key = "renewed" if action == "renewed" else "stopped"
        return _out([_reply(mt(key, ctx.lang, number=number))], key)

    # --- the add flow -------------------------------------------------------------------------

    def ask_again(self, ctx: Context) -> Reply | None:
        """The step the add flow waits on, after small talk typed in its place ("yes" to the
        prompt for the marks: "OK." and the prompt again, the flow kept)."""
        if ctx.flow != FLOW:
            return None
        state = ctx.flow_data.get("state", "collect")
        if state == "consent":
            return self._consent_prompt(ctx)
        if state in ("clarify", "confirm"):
            drafts = [Draft.from_dict(d) for d in ctx.flow_data.get("drafts", [])]
            return self._next_question(ctx, drafts).replies[0]
        return _reply(mt("add.prompt", ctx.lang), (self._cancel(ctx),))

    def _cancel(self, ctx: Context) -> Choice:
        return Choice(mt("cancel", ctx.lang), "marks:cancel")

    def _in_flow(self, ctx: Context, text: str, key: str) -> Outcome | None:
        state = ctx.flow_data.get("state", "collect")
        # "no thanks", "actually no, not now": a no to the consent question there, else a cancel
        declined = state != "consent" and ctx.interp is not None and ctx.interp.extra.get("soft")
        if key in CANCEL or text == "marks:cancel" or declined:
            ctx.flow = None
            return _out([_reply(mt("cancelled", ctx.lang))], "cancelled")
        if key in LIST_WORDS or _NUMBERED.match(text) or _ADD.match(text):
            ctx.flow = None  # another of this skill's commands: the add is dropped
            return self.handle(ctx)
        if state == "clarify":
            return self._clarify(ctx, text)
        if state == "confirm":
            if key in _YES:
                return self._save(ctx)
            return self._confirm(ctx)  # show the list again
        if state == "consent":
            if key in _CONSENT_YES or key in _CONSENT_NO:
                return self._consent(ctx, granted=key in _CONSENT_YES)
            return self._ask_consent(ctx)
        return self._collect(ctx, text, passthrough=True)

    def _collect(self, ctx: Context, text: str, *, passthrough: bool = False) -> Outcome | None:
        parsed = parse_lines(text, ctx.today)
        errors = [p for p in parsed if isinstance(p, LineError)]
        unrelated = errors and all(e.reason == "err.number" for e in errors)
        if passthrough and unrelated and len(errors) == len(parsed):
            # No line starts like a mark: a question or another request; let it through.
            ctx.flow = None
            return None
        if errors:
            listed = "\n".join(
                f"{e.line}. {e.text.strip()} — "
                + (e.question.question(ctx.lang) if e.question else mt(e.reason, ctx.lang))
                for e in errors
            )
            reply = _reply(mt("add.errors", ctx.lang, errors=listed), (self._cancel(ctx),))
            return _out([reply], "invalid")
        # The same number twice in one paste: the later line wins (one row per number).
        by_number = {p.number: p for p in parsed if isinstance(p, Draft)}
        drafts = list(by_number.values())
        ctx.flow_data["drafts"] = [d.as_dict() for d in drafts]
        ctx.flow_data["questions"] = {
            str(i): d.question.question(ctx.lang) for i, d in enumerate(drafts) if d.question
        }
        return self._next_question(ctx, drafts)

    def _next_question(self, ctx: Context, drafts: list[Draft]) -> Outcome:
        for i, draft in enumerate(drafts):
            if draft.date is None:
                ctx.flow_data.update(state="clarify", asking=i)
                question = ctx.flow_data.get("questions", {}).get(str(i), "")
                text = mt(
                    "clarify", ctx.lang, line=draft.line, number=draft.number, question=question
                )
                return _out([_reply(text, (self._cancel(ctx),))], "clarify")
        return self._confirm(ctx)

    def _clarify(self, ctx: Context, text: str) -> Outcome:
        drafts = [Draft.from_dict(d) for d in ctx.flow_data.get("drafts", [])]
        i = int(ctx.flow_data.get("asking", 0))
        answer = parse_date_answer(text, ctx.today, ctx.lang)
        if isinstance(answer, str):  # still not one date: ask again
            ctx.flow_data.setdefault("questions", {})[str(i)] = answer
            return self._next_question(ctx, drafts)
        drafts[i].date = answer
        ctx.flow_data["drafts"] = [d.as_dict() for d in drafts]
        return self._next_question(ctx, drafts)

    def _confirm(self, ctx: Context) -> Outcome:
        drafts = [Draft.from_dict(d) for d in ctx.flow_data.get("drafts", [])]
        ctx.flow_data["state"] = "confirm"
        tables, lines = self._t(ctx), [mt("confirm.head", ctx.lang, count=len(drafts))]
        for i, draft in enumerate(drafts, 1):
            expiry, assumed = expiry_of(draft, ctx.today, tables)
            preview = Mark(
                owner_channel="-",
                owner_ref="-",
                registration_number=draft.number,
                name=draft.name,
                classes=";".join(str(c) for c in draft.classes),
                expiry_date=expiry,
            )
            line = f"{i}. {mark_line(preview, ctx.today, tables, ctx.lang)}"
            lines.append(line + (mt("assumed", ctx.lang) if assumed else ""))
        choices = (Choice(mt("confirm.yes", ctx.lang), "marks:confirm"), self._cancel(ctx))
        return _out([_reply("\n".join(lines), choices)], "confirm")

    def _save(self, ctx: Context) -> Outcome:
        drafts = [Draft.from_dict(d) for d in ctx.flow_data.get("drafts", [])]
        saved = save_drafts(
            session=ctx.session,
            owner=self._owner(ctx),
            drafts=drafts,
            today=ctx.today,
            tables=self._t(ctx),
            now=ctx.now,
        )
        done = _reply(mt("saved", ctx.lang, count=len(saved)))
        if any(m.consent_at is not None for m in saved):  # answered before: not asked again
            ctx.flow = None
            return _out([done], "saved")
        ctx.flow_data.update(state="consent", saved=[m.registration_number for m in saved])
        return _out([done, self._consent_prompt(ctx)], "saved")

    def _consent_prompt(self, ctx: Context) -> Reply:
        text = mt("consent.prompt", ctx.lang)
        if ctx.state.channel == "wechat":
            text += "\n" + mt("consent.prompt.wechat", ctx.lang)
        choices = (
            Choice(mt("consent.yes", ctx.lang), "marks:consent:yes"),
            Choice(mt("consent.no", ctx.lang), "marks:consent:no"),
        )
        return _reply(text, choices)

    def _ask_consent(self, ctx: Context) -> Outcome:
        return _out([self._consent_prompt(ctx)], "consent")

    def _consent(self, ctx: Context, *, granted: bool) -> Outcome:
        ctx.session.flush()
        set_consent(
            session=ctx.session,
            channel=ctx.state.channel,
            user_ref=ctx.state.user_ref,
            granted=granted,
            now=ctx.now,
        )
        # WeChat's own subscription consent comes only from its popup events (issue 22):
        # the chat's yes covers reminders here, inside the 48-hour window.
        ctx.flow = None
        key = "consent.given" if granted else "consent.refused"
        return _out([_reply(mt(key, ctx.lang))], key)
