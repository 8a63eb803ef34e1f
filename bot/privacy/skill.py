"""The user's side of personal data in the chat: the notice, "my data", "delete my data" (after a
confirmation), "stop reminders" and "withdraw consent". Matches only its own phrases."""

from __future__ import annotations

import json
import re

from sqlalchemy import func
from sqlmodel import select

from bot.core.context import Context
from bot.core.messages import Choice, Reply
from bot.core.needles import Shelf
from bot.core.ports import Outcome
from bot.privacy import service
from bot.privacy.texts import pt
from storage.erasers import export_user, summary
from storage.privacy import ConsentRecord

__all__ = ("PrivacySkill",)

_PUNCT_RE = re.compile(r"[\s!！。.,，~～?？]+$")


def _words(*words: str) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


NOTICE = _words(
    "隐私", "隐私政策", "隐私说明", "隐私声明", "个人信息保护", "个人信息保护说明",
    "privacy", "privacy policy", "privacy notice", "/privacy", "privacy:notice",
)  # fmt: skip
MY_DATA = _words(
    "我的数据", "查看我的数据", "我的个人信息", "my data", "show my data", "/mydata",
    "privacy:mydata",
)  # fmt: skip
ERASE = _words(
    "删除我的数据", "删除我的个人信息", "delete my data", "erase my data", "/deletemydata",
    "privacy:erase",
)  # fmt: skip
# Answers to "Delete your data?" just asked: the labels of its two buttons, and the plain yes and
# no a clerk types on a channel without buttons (a bare "yes" used to drop the question unheard).
ERASE_YES = _words(
    "privacy:erase:yes", "确认删除", "yes, delete", "yes delete", "confirm delete",
    "确认", "确定", "是", "是的", "对", "好", "好的", "删除", "删吧", "删掉吧", "可以",
    "yes", "y", "yeah", "yep", "sure", "ok", "okay", "confirm", "delete", "delete it",
)  # fmt: skip
ERASE_NO = _words(
    "privacy:erase:no", "不删除", "keep my data", "取消", "cancel", "no", "不",
    "不用", "不用了", "不要", "否", "算了", "n", "nope", "no thanks", "keep it",
)  # fmt: skip
STOP_REMINDERS = _words(
    "取消提醒", "不要提醒", "关闭提醒", "stop reminders", "no reminders", "/stopreminders",
    "privacy:reminders",
)  # fmt: skip
WITHDRAW = _words(
    "撤回同意", "撤销同意", "withdraw consent", "withdraw my consent", "/withdraw",
    "privacy:withdraw",
)  # fmt: skip
# The same requests in one's own words. A question about a trademark's data ("删除商标信息") is
# not ours: none of them may name a mark.
_ASKED = (
    (
        "mydata",
        re.compile(
            r"(?:你们|这里).{0,6}(?:有|存了|保存了|记录了).{0,6}(?:我的?)?(?:哪些|什么)(?:数据|信息|资料)"
            r"|\bwhat (?:data|information|info) (?:do you|have you|are you)\b",
            re.I,
        ),
    ),
    (
        "notice",
        re.compile(
            r"隐私(?:政策|声明|说明|条款)|(?:隐私|个人信息|我的(?:数据|信息|资料|聊天记录))"
            r".{0,10}(?:保护|安全|泄露|泄漏|外泄|共享|分享|保存|存储|存多久|收集|怎么(?:用|处理|保管)"
            r"|给别人|给第三方|出售|卖)|(?:你们|机器人|助手|这里).{0,8}(?:泄露|共享|保存|收集|记录|存)了?"
            r".{0,6}(?:信息|数据|资料|隐私|聊天)"
            r"|\bprivacy (?:policy|notice|statement)\b|\b(?:do|will|would|can) you (?:share|sell|store"
            r"|keep|collect|save|record|give away)\b.*\b(?:data|information|info|details|chats?"
            r"|messages?)\b|\b(?:my|personal) (?:data|information|info|details)\b.*\b(?:safe|secure"
            r"|protect\w*|shared?|sold|stored?|kept|used?|who)\b|\bhow (?:do|will) you (?:use|handle"
            r"|protect|store)\b.*\b(?:data|information|info)\b",
            re.I,
        ),
    ),
    (
        "erase",
        re.compile(
            r"(?:删除|删掉|删了|清除|清空|抹掉|销毁).{0,6}(?:数据|个人信息|聊天记录|记录|资料)"
            r"|(?:数据|个人信息|聊天记录|资料).{0,4}(?:删除|删掉|删了|清除|清空|抹掉)"
            r"|\b(?:delete|erase|remove|wipe|clear)\b.{0,20}\b(?:my|our|all)\b.{0,20}\b(?:data"
            r"|information|info|details|chats?|history|messages|records)\b|\bforget (?:me|about me)\b",
            re.I,
        ),
    ),
    (
        "stop",
        re.compile(
            r"(?:不要|不用|别|取消|关闭|停止)再?.{0,4}(?:提醒|推送|发(?:消息|通知))"
            r"|\b(?:don'?t|do not|stop|no more)\b.{0,12}\b(?:remind\w*|notif\w*|messag\w*)\b"
            r"|\bunsubscribe\b",
            re.I,
        ),
    ),
)
_A_MARK = re.compile(r"商标|注册号|\btrade ?marks?\b|\bmarks?\b", re.I)
_WORDS = Shelf([*(rx for _, rx in _ASKED), _A_MARK])  # screened at once (bot/core/needles.py)


def asked_in_words(text: str) -> str | None:
    """Which privacy request `text` makes in its own words (notice, mydata, erase, stop), if any."""
    if len(text) > 80:
        return None
    hits = _WORDS.hits(text)
    for name, pattern in _ASKED:
        if pattern in hits and not (name != "stop" and _A_MARK in hits):
            return name
    return None


_PENDING = "privacy_erase"  # state key: the user was asked to confirm the erasure


def _said(replies: list[Reply], outcome: str) -> Outcome:
    return Outcome(replies, "privacy", outcome, log=False)


class PrivacySkill:
    """Notice, access, erasure and withdrawal of consent."""

    name = "privacy"

    def handle(self, ctx: Context) -> Outcome | None:
        key = _PUNCT_RE.sub("", ctx.text.strip().lower())
        if ctx.data.pop(_PENDING, None):
            if key in ERASE_YES:
                return self._erase(ctx)
            if key in ERASE_NO:
                return _said([Reply(pt("erase.kept", ctx.lang), intent="privacy")], "kept")
        asked = asked_in_words(ctx.text)
        if key in NOTICE or asked == "notice":
            return self._notice(ctx)
        if key in MY_DATA or asked == "mydata":
            return self._my_data(ctx)
        if key in ERASE or asked == "erase":
            ctx.data[_PENDING] = True
            choices = (
                Choice(pt("erase.yes", ctx.lang), "privacy:erase:yes"),
                Choice(pt("erase.no", ctx.lang), "privacy:erase:no"),
            )
            reply = Reply(pt("erase.ask", ctx.lang), choices=choices, intent="privacy")
            return _said([reply], "confirm")
        if key in STOP_REMINDERS or asked == "stop":
            return self._withdraw(ctx, ("reminders",), "withdraw.reminders")
        if key in WITHDRAW:
            return self._withdraw(ctx, ("contact", "booking_phone", "reminders"), "withdraw.all")
        return None

    def _notice(self, ctx: Context) -> Outcome:
        text = service.notice_text(session=ctx.session, lang=ctx.lang)
        text += "\n" + pt("notice.more", ctx.lang, url=service.privacy_url(ctx.services.settings))
        return _said([Reply(text, intent="privacy")], "notice")

    def _my_data(self, ctx: Context) -> Outcome:
        channel, user_ref = ctx.state.channel, ctx.state.user_ref
        ctx.session.flush()  # this turn's own lines count too
        counts = summary(session=ctx.session, channel=channel, user_ref=user_ref)
        text = pt("mydata", ctx.lang, **counts)
        attachments: tuple[tuple[str, str, bytes], ...] = ()
        meta: dict[str, str] = {}
        if channel == "web":
            base = service.privacy_url(ctx.services.settings)
            text += "\n" + pt("mydata.download", ctx.lang, url=f"{base}/data")  # cookie: who
        elif channel == "telegram":  # Telegram takes files: the export comes as one
            data = export_user(session=ctx.session, channel=channel, user_ref=user_ref)
            body = json.dumps(data, ensure_ascii=False, indent=1, default=str).encode()
            attachments = (("my-data.json", "application/json", body),)
            meta["attachment_caption"] = pt("mydata.file", ctx.lang)
        reply = Reply(text, intent="privacy", meta=meta, attachments=attachments)
        return _said([reply], "access")

    def _erase(self, ctx: Context) -> Outcome:
        channel, user_ref = ctx.state.channel, ctx.state.user_ref
        ctx.session.flush()
        counts = summary(session=ctx.session, channel=channel, user_ref=user_ref)
        counts["consents"] = self._all_consents(ctx)
        counts["messages"] += 1  # the confirmation this turn sends goes too
        service.erase_after_commit(
            ctx.session,
            transaction=ctx.services.transaction,
            channel=channel,
            user_ref=user_ref,
            now=ctx.now,
        )
        ctx.flow = None
        return _said([Reply(pt("erase.done", ctx.lang, **counts), intent="privacy")], "erased")

    def _all_consents(self, ctx: Context) -> int:
        query = select(func.count()).select_from(ConsentRecord)
        query = query.where(
            ConsentRecord.channel == ctx.state.channel,
            ConsentRecord.user_ref == ctx.state.user_ref,
        )
        return int(ctx.session.exec(query).one())

    def _withdraw(self, ctx: Context, purposes: tuple[str, ...], key: str) -> Outcome:
        n = service.withdraw(
            session=ctx.session,
            channel=ctx.state.channel,
            user_ref=ctx.state.user_ref,
            purposes=purposes,
            now=ctx.now,
        )
        text = pt(key, ctx.lang, n=n) if n else pt("withdraw.none", ctx.lang)
        return _said([Reply(text, intent="privacy")], "withdrawn")
