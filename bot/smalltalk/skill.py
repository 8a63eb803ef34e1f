"""Small talk gets a short friendly reply in the user's language, never an FAQ answer.

Greetings, thanks, goodbyes, "在不在 / 有没有人", acknowledgements ("嗯嗯", "ok", "收到") and a
bare "确定 / 行" with nothing pending. Like the chit-chat of Azure question answering it is
answered only as whole short messages, so "谢谢，那续展要多少钱" still goes to the FAQ.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.core.context import Context
from bot.core.menu import menu_choices
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.core.texts import catalog
from bot.core.understand import subjects_of
from bot.smalltalk.holds import holds_registration, holds_reply
from bot.smalltalk.station import asks_about_station, station_reply

__all__ = ("KINDS", "SmalltalkSkill", "smalltalk_kind")

_PUNCT = re.compile(r"[\s!！。.,，~～?？、…:：;；]+")
_EMOJI_TAIL = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]+$")
# Emoticons typed in ASCII at the end ("good morning :)", "thx ^_^"), like an emoji.
# Laughter typed at the end ("第一次来问hh", "lol", "哈哈哈"), like an emoji.
_LAUGH_TAIL = re.compile(
    r"(?:\s*(?:(?<![a-z])h{2,}|哈{2,}|嘿{2,}|呵{2,}|嘻{2,}|\blol\b|\bhaha\w*|\bhehe\w*|233+))+\s*$"
)
_EMOTICON_TAIL = re.compile(
    r"(?:\s*(?:[:;=8xX]-?[)(DdPp3\]\[/|*]+|\^[_.-]?\^|[(（][^()（）\w]{1,5}[)）]))+\s*$"
)


def _set(words: str) -> frozenset[str]:
    # English is typed with and without apostrophes ("thats helpful", "im bored").
    spaced = [w.replace("_", " ") for w in words.split()]
    return frozenset(spaced + [w.replace("'", "") for w in spaced])


KINDS: dict[str, frozenset[str]] = {
    "greeting": _set(
        "你好 您好 你好呀 您好呀 哈喽 嗨 hi hello hey 早 早上好 上午好 中午好 下午好 晚上好 "
        "good_morning good_afternoon good_evening hi_there hello_there 你好啊 您好啊 哈罗 嗨喽 "
        "/start start hey_there 早啊 早呀 早安 午安 早上好呀 good_day morning hiya 亲 亲亲 在线吗 yo "
        "helo hallo hellow hii hiii heya helo_there"
    ),
    "presence": _set(
        "在吗 在不 在不在 在没 在否 在伐 在么 有人吗 有没有人 有人在吗 在嘛 还在吗 你在吗 您在吗 人呢 喂 喂喂 "
        "anyone_there are_you_there is_anyone_there anybody_there hello? anyone anybody somebody "
        "打扰了 打扰一下 不好意思打扰一下 不好意思 打扰 不好意思打扰了 excuse_me "
        "hello_anyone 有问题想问 想咨询一下 "
        "想问个问题 我想咨询 咨询一下 请问一下 问个问题 有个问题 想问一下 我想问一下 "
        "i_have_a_question quick_question can_i_ask_something can_i_ask_a_question "
        # asking leave to ask ("辛苦了 问个事哈", "one more question")
        "问个事 问个事儿 问件事 想问个事 想问件事 请教个问题 请教一下 咨询个事 咨询个问题 我有个问题 "
        "有件事想问 还有个问题 再问一下 再问个问题 one_more_question another_question "
        "i_have_another_question can_i_ask_you_something got_a_question"
    ),
    "thanks": _set(
        "谢谢 谢谢你 谢谢您 多谢 感谢 非常感谢 谢啦 谢了 好的谢谢 好的谢谢你 好的多谢 thanks "
        "thank_you thanks_a_lot thank_you_very_much thx ty many_thanks thx_a_lot ty_a_lot thanks_a_bunch thx_so_much 辛苦了 麻烦你了 "
        "ok_thanks ok_thank_you great_thanks 明白了谢谢 知道了谢谢 收到谢谢 cheers thanks_so_much "
        "thank_you_so_much much_appreciated appreciate_it thanks_again 谢谢啦 谢谢哈 感谢感谢 "
        "多谢啦 万分感谢 谢谢老师 3q 辛苦 辛苦啦 辛苦你了 麻烦了 "
        "thank_u thanks_u tq tks thnx thanx tyvm ty_so_much thank_you_kindly 谢谢了 感谢了 "
        "谢谢啊 谢谢呀 辛苦辛苦 多谢多谢"
    ),
    "goodbye": _set(
        "再见 拜拜 拜 bye bye-bye goodbye see_you 回头见 下次见 先这样 就这样 没事了 没有了 "
        "没别的了 没问题了 that's_all that's_it nothing_else no_more_questions bye_for_now "
        "88 886 再会 先这样吧 see_you_later take_care have_a_nice_day 晚安 good_night night "
        "gn 回见 下回聊 先撤了 talk_later ttyl 没事 没事没事 那算了 算了 我再考虑一下 我考虑一下 我再想想 "
        "考虑一下 再考虑一下 let_me_think_about_it i'll_think_about_it 不用了 不需要了 no_thanks no_thank_you 下次再说 改天再说 以后再说 回头再说 不打扰了"
    ),
    "identity": _set(
        "你是机器人吗 你是谁 你是真人吗 是机器人吗 机器人吗 你是ai吗 你是人工智能吗 是真人吗 "
        "are_you_a_bot are_you_a_robot are_you_human are_you_a_human who_are_you are_you_real "
        "are_you_ai are_you_an_ai is_this_a_bot are_you_a_real_person are_you_a_person "
        "is_this_a_real_person is_this_a_human am_i_talking_to_a_bot am_i_talking_to_a_human "
        "am_i_talking_to_a_robot 你是人吗 你是真人还是机器人 你是机器人还是真人 是人工吗 "
        "what_can_you_do what_do_you_do 你能干嘛 你能做什么 你会干嘛 你会什么 你是干嘛的 "
        "你可以做什么 你能干什么 你会干什么"
    ),
    "ack": _set(
        "嗯 嗯嗯 嗯呢 哦 哦哦 噢 好 好的 好滴 好嘞 行 行的 可以 收到 明白 明白了 知道了 了解 "
        "了解了 懂了 确定 确认 是的 对 对的 ok okay k kk got_it understood i_see noted sure "
        "alright all_right fine cool great yes yep 👍 👌 🙏 哈哈 哈哈哈 呵呵 嘿嘿 haha hahaha lol 😂 😄 "
        "好吧 好哒 好呀 好啊 行吧 可以的 没问题 明白啦 了解啦 懂啦 知道啦 晓得了 清楚了 ok的 "
        "perfect awesome nice good makes_sense that_helps all_good no_worries right roger will_do "
        "clear okay_then ok_then okey oki okok okk 这样 原来如此 原来这样 原来是这样 是这样 这样子 "
        "i_see_now makes_sense_thanks 我知道了 我明白了 我懂了 我了解了 知道啦 好的呢 "
        # praise, answered like an acknowledgement
        "厉害 真厉害 太厉害了 好厉害 你真棒 真棒 太棒了 很棒 棒 赞 点赞 牛 真牛 666 给力 "
        "good_job well_done nice_one amazing brilliant excellent you're_great 太好了 好极了 "
        "sounds_good that's_helpful that's_great very_helpful helpful that_helps_a_lot "
        "that's_useful that's_very_helpful "
        # news taken in ("good to know", "学到了")
        "good_to_know nice_to_know good_to_hear glad_to_hear that's_good_to_know great_to_know "
        "useful very_useful super_helpful so_helpful really_helpful 有用 很有用 太有用了 有帮助 "
        "很有帮助 学到了 受教了 长知识了 涨知识了 "
        # waiting for staff to get back ("那我等你们消息", "i'll wait for your call")
        "等你们消息 我等你们消息 那我等你们消息 等你们回复 我等你们回复 那我等你们回复 等你们电话 "
        "我等你们电话 那我等你们电话 等消息 等你消息 等回复 等你们联系 我等着 那我等着 "
        "i'll_wait i'll_wait_for_your_call i'll_wait_for_your_reply i'll_wait_to_hear_back "
        "waiting_for_your_reply waiting_for_your_call we'll_wait i'll_wait_then "
        # interjections of someone taking an answer in ("hmm ok", "哦 那行", "emm 好吧")
        "phew whew hm hmm hmmm mm mmm mhm uh-huh uh_huh oh ohh ah ahh aha ooh oic 呃 额 emm emmm 嗯哼 "
        "噢噢 哦哦哦 嗯嗯嗯 哦哦好 fair_enough fair gotcha gotcha_thanks i_get_it i_got_it got_that "
        "那好 那行 那好吧 那行吧 那可以 明了 懂 了然 ok_i_get_it 好嘞好嘞"
    ),
    "chitchat": _set(
        "讲个笑话 说个笑话 来个笑话 讲笑话 讲个笑话吧 说个笑话吧 tell_me_a_joke tell_a_joke "
        "tell_me_something_funny a_joke joke 你叫什么 你叫什么名字 你几岁 你多大了 你多大 "
        "你吃饭了吗 吃了吗 吃饭了吗 你好吗 最近好吗 how_are_you how_are_you_doing how's_it_going "
        "hows_it_going how_r_u what's_up whats_up sup 无聊 好无聊 i'm_bored im_bored "
        "what's_your_name whats_your_name how_old_are_you 你喜欢什么 你累吗 are_you_tired"
    ),
}
# Each phrase's kind (the first kind listing it) and the longest phrase: what `_pieces` looks
# up for each head of a message, instead of every kind's set for every head.
_KIND_OF: dict[str, str] = {}
for _kind, _words in KINDS.items():
    for _word in _words:
        _KIND_OF.setdefault(_word, _kind)
# The lengths the phrases come in, longest first, and their first characters: a head of
# another length, or starting with another character, is no phrase, and `_pieces` looks up
# only the others (a question of 40 characters is not looked up 40 times).
_LENGTHS = sorted({len(w) for w in _KIND_OF}, reverse=True)
_FIRSTS = frozenset(w[0] for w in _KIND_OF)
_TEXTS = {
    "greeting": (
        "您好！请问有什么商标问题可以帮您？也可以从下面选一项：",
        "Hello! What trademark question can I help with? Or pick one below:",
    ),
    "presence": (
        "在的，请直接说您的问题，我马上为您解答。",
        "Yes, I'm here. Go ahead with your question.",
    ),
    "thanks": (
        "不客气！还有其他问题随时问我。",
        "You're welcome! Ask me anytime if anything else comes up.",
    ),
    "goodbye": (
        "好的，祝您生意兴隆，有需要随时找我。再见！",
        "All right, all the best with your business. Come back anytime. Goodbye!",
    ),
    "identity": (
        "我是指导站的智能助手，可以解答商标问题、计算续展期限和费用、预约专家；"
        "需要真人时回复“人工”，我帮您转接工作人员。",
        "I am the station's assistant: I answer trademark questions, compute renewal deadlines "
        "and fees and book experts. Reply 'human' any time and I will put you through to staff.",
    ),
    "chitchat": (
        "哈哈，聊天我不太在行，商标的事我更拿手：注册、续展、转让、异议、马德里国际注册都可以问我。",
        "Ha, small talk is not my strong suit; trademarks are. Ask me about filing, renewal, "
        "assignment, oppositions or Madrid.",
    ),
    "ack": (
        "好的。还有什么想了解的，直接问我就行。",
        "OK. If there is anything else you'd like to know, just ask.",
    ),
    "complaint": (
        "抱歉没能帮上忙。您可以换个说法再问我一次，或回复“人工”，我请工作人员来帮您。",
        "Sorry I could not help. Try asking in other words, or reply 'human' and I will ask "
        "the staff to help you.",
    ),
    # A cancel word with nothing under way ("算了", "never mind"): no refusal, no "nothing to
    # cancel", just what a receptionist says.
    "dropped": (
        "好的，没关系。还有其他商标问题随时问我。",
        "No problem. Ask me anytime if anything else comes up.",
    ),
    # Said after the reply when small talk ends a flow that was not finished.
    "left": (
        "刚才办到一半的事没有保存，需要时随时再找我。",
        "What we started was not finished or saved; come back to it anytime.",
    ),
    # Before a flow's question asked again after small talk at its step.
    "ack_step": ("好的。", "OK."),
}
st = catalog("smalltalk", _TEXTS)
# The same kinds read from patterns, for phrasings the lists above do not hold ("你是真人还是机器人
# 啊", "那你能帮我干啥", "have a good day", "你这机器人也太笨了吧"); only short messages that
# name no trademark subject.
_PATTERNS: dict[str, re.Pattern[str]] = {
    # A first visit said beside the greeting ("你好 第一次来问hh", "hi, first time here", "新手一枚"):
    # welcomed like a greeting.
    "greeting": re.compile(
        r"^(?:我|我们|本人)?(?:是)?(?:第一次|头一次|头一回|第一回|初次|刚刚?)(?:来|用|使用|咨询|上来|找你们|进来)"
        r"(?:这里|这儿|这个|你们这儿?|你们这里)?(?:问问?|咨询|看看|逛逛|请教)?(?:一下|下)?(?:问题)?$"
        r"|^(?:我是|我们是)?(?:新手|小白|新人)(?:一枚|一个|小白)?$"
        r"|^(?:(?:i'?m|we'?re|i am|we are) )?(?:new here|new to (?:this|here|the site|trademarks?))$"
        r"|^(?:(?:it'?s|this is) )?(?:my|our) first time(?: here| using this| asking| on here)?$"
        r"|^first time (?:here|using this|asking|on here)$",
        re.IGNORECASE,
    ),
    "identity": re.compile(
        r"^(?:那|所以)?(?:你|您)(?:到底|究竟)?(?:是|是不是)(?:谁|真人|机器人|人工智能|ai|人还是|机器"
        r"|客服|程序)|^(?:那|所以)?(?:你|您)(?:都|还)?(?:能|会|可以)(?:帮我|帮|为我)?(?:们)?"
        r"(?:干|做|办|弄)(?:啥|什么|嘛|些什么|哪些)|你有(?:什么|啥)用"
        r"|^(?:so )?(?:are|r) (?:you|u) (?:a |an )?(?:bot|robot|ai|human|real|person|machine)"
        r"|^(?:you'?re|ur|is this|this is) (?:a |an |just a )?(?:bot|robot|ai|machine|automated|human)"
        r"|^what (?:can|do|else can) you (?:do|help)|who am i (?:talking|speaking|chatting) (?:to|with)"
        r"|^is this (?:the )?(?:trademark |brand )?(?:station|office|service)\b|^(?:这|这里|这儿)?是指导站吗",
        re.IGNORECASE,
    ),
    "goodbye": re.compile(
        r"(?:have|enjoy) (?:a|your) (?:good|nice|great|lovely|wonderful) (?:day|one|weekend|evening)"
        r"|^(?:ok |okay |alright )?(?:see (?:you|ya)|bye|goodbye|cya|later)\b"
        r"|^(?:那|好|好的|行)?(?:我)?(?:先|就)?(?:这样|不打扰了|下线了|走了|撤了|忙去了|去忙了|先忙)"
        r"|(?:下次|改天|以后|回头|有空)再(?:说|聊|问|联系|来)"
        r"|^that'?s (?:all|it|everything)(?: for (?:now|today))?\b|^nothing else\b",
        re.IGNORECASE,
    ),
    "presence": re.compile(
        r"^(?:亲|亲亲|您好|你好|hello|hi|hey)?\s*(?:请问)?\s*(?:有人吗|有人在吗|在吗|在不在|在么|在嘛"
        r"|有没有人|还在吗|在线吗|有人在线吗|有人在线不|还有人吗|有人在不|有人不"
        r"|you there|u there|anyone (?:there|around|here|home)"
        r"|我?(?:想|要)?(?:问|咨询|请教)(?:个|一个|一下|下|几个)?(?:问题|事|事情|事儿)?)\s*$",
        re.IGNORECASE,
    ),
    "complaint": re.compile(
        r"笨|傻|蠢|智障|弱智|垃圾|答非所问|听不懂|不懂人话|废物|什么玩意|差劲|太差|太烂|无语|服了你"
        r"|没(?:有)?回答|答错|不是我(?:要|想)?(?:要|问)的|文不对题|牛头不对马嘴|没解决"
        # the answer said to be wrong, with no question after it ("你这说的不对吧", "that's wrong")
        r"|(?:说|答|回答|讲)的?(?:不对|错了)|理解错了|搞错了|弄错了"
        r"|\b(?:that'?s|this is|you'?re) (?:wrong|incorrect|not (?:right|it|what i asked))\b"
        r"|\bwrong answer\b|\bnot what i (?:asked|meant)\b"
        r"|\b(?:stupid|dumb|useless|you suck|rubbish|terrible|waste of (?:my )?time|not helpful"
        r"|no help)\b"
        r"|(?:doesn'?t|don'?t|do not|does not) understand",
        re.IGNORECASE,
    ),
    # The user says what they will do now ("ok we'll fix that, thanks", "好的 我们回去改一下"):
    # an answer taken in, like "ok".
    "ack": re.compile(
        r"^(?:(?:ok|okay|alright|right|sure|great|好的?|行|嗯|那|那好)[\s,，!！]*)*"
        r"(?:we'?ll|i'?ll|we will|i will|we'?re going to|going to|gonna|let me|let us|let'?s)\s+"
        r"(?:go |just |then )?(?:do|fix|change|correct|update|try|check|look into|sort|handle|get on|"
        r"file|prepare|follow|apply|take care of)\b(?: (?:that|it|this|them|those|these|out|up|on it))?"
        r"(?: (?:then|now|right away|asap|today|tomorrow|first))?(?:[\s,，!！]*(?:thanks?(?: a lot)?|thank you|thx|ty|cheers))?$"
        r"|^(?:(?:好的?|行|嗯|那|那好|ok)[\s,，]*)*(?:我们|我)(?:回去|这就|马上|先|就|等下|回头)?(?:去)?"
        r"(?:改|弄|办|处理|试试|准备|整改|调整|提交)(?:一下|下)?(?:吧|了|哈)?(?:[\s,，]*(?:谢谢|谢了|谢啦|多谢))?$",
        re.IGNORECASE,
    ),
    "thanks": re.compile(
        r"^(?:好的?|嗯|ok|okay|alright|great)?\s*(?:非常|太|十分)?(?:谢谢|感谢|多谢|谢啦|谢了|3q|thanks?\b"
        r"|thank (?:you|u)|thx|tysm)"
        # the answer was what the user needed ("ok great, that's what I needed", "这正是我想知道的")
        r"|^(?:(?:ok|okay|great|perfect|cool|nice|awesome|excellent|好的?|嗯|太好了)[\s,，!！]*)*"
        r"(?:that'?s|that is|this is|exactly|just) (?:exactly |just )?what i (?:needed|wanted|"
        r"was looking for|wanted to know)(?: thanks?| thank you)?$"
        r"|(?:that|this) (?:really )?helps?(?: a lot)?$"
        r"|^(?:(?:好的?|嗯|太好了)[\s,，!！]*)*(?:这|这个)?(?:正是|就是)我(?:想要|要|需要|想知道|想问)的"
        r"|(?:帮了?大忙|很有帮助|太有用了)",
        re.IGNORECASE,
    ),
}
# A question in the message: never small talk ("谢谢，那续展要多少钱").
_ASKS = re.compile(
    r"多少|怎么|如何|哪|什么时候|几|吗$|[?？]|\b(how|what|when|where|which|why|can i|do i)\b"
    r"(?!.*\b(do|help)\b)",
    re.IGNORECASE,
)
# "what" that asks nothing: "that's what I needed".
_SATISFIED = re.compile(r"\bwhat i (needed|wanted|was looking for|wanted to know)\b")
_ACK_HEAD = re.compile(
    r"^(?:(?:好的|好滴|好吧|好|嗯嗯|嗯|哦哦|哦|噢|行|ok|okay|alright|我知道了|知道了|明白了|明白|了解|收到"
    r"|你好|您好|嗨|哈喽|亲|早上好|下午好|晚上好|hi|hello|hey)"
    r"(?![a-z])[\s,，]*)+",
    re.IGNORECASE,
)
_PARTICLES = re.compile(r"[啊呀吧哈嘛哦啦哇噢呢咯滴哒捏嘞了]+$")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = _EMOJI_TAIL.sub("", text) or text
    text = _EMOTICON_TAIL.sub("", text) or text
    text = _LAUGH_TAIL.sub("", text).strip() or text
    return _PUNCT.sub(" ", text).strip()


@lru_cache(maxsize=1024)
def smalltalk_kind(text: str) -> str | None:
    """Which kind of small talk the whole message is, if any. Cached by the text, all it reads:
    the router asks it inside a flow and the skill again when it answers (`SmalltalkSkill`)."""
    key = _key(text)
    if not key:
        return None
    found = _listed(key)
    if found is None:
        bare = _PARTICLES.sub("", re.sub(r"^(那么|那)\s*", "", key)).strip()
        found = _listed(bare) if bare and bare != key else None
    return found or _patterned(key)


def _patterned(key: str) -> str | None:
    short = len(key) <= 20 if not key.isascii() else len(key.split()) <= 10
    if not short or subjects_of(key):
        return None
    rest = _ACK_HEAD.sub("", key).strip()
    if rest and rest != key:
        # "好的 我知道了 谢谢你", "嗯 好的 那我先这样", "嗨 我想问个问题": what follows the
        # acknowledgements or the greeting decides.
        found = _listed(rest) or _listed(_PARTICLES.sub("", rest)) or _patterned(rest)
        if found:
            return found
    for kind, rx in _PATTERNS.items():
        if rx.search(key) and (
            kind in ("identity", "complaint", "presence")
            or not _ASKS.search(_SATISFIED.sub("", key))
        ):
            if kind == "ack" and _THANKED.search(key):
                return "thanks"  # "ok we'll fix that, thanks": thanked, so "you're welcome"
            return kind
    return None


# Who they are, told first and nothing asked yet ("hi, we're a german company selling kitchen
# knives", "你好，我们是一家小面包店"): welcomed, not "sorry, I cannot answer". Outside a flow
# only: at a booking's company step it is the answer.
_INTRO = re.compile(
    r"^(?:(?:hi|hello|hey|good (?:morning|afternoon|evening))(?: there)?[,!.]*\s*)?"
    r"(?:we'?re|we are|i'?m|i am|this is|i run|we run|i own|we own) (?:a|an)\b[a-z ,'-]{0,40}?"
    r"\b(?:company|business|firm|shop|store|factory|startup|brand|manufacturer|seller|retailer"
    r"|restaurant|cafe|bakery|studio|agency)\b(?: owners?)?"
    r"(?: (?:selling|making|that (?:sells|makes)|from|based in|in) [a-z ,'-]{1,40})?[.!]*$"
    r"|^(?:你好|您好|hi|hello)?[,，!！\s]*(?:我们|我)(?:是|开了|开)(?:一家|一个|家|个)?"
    r"[\u4e00-\u9fff]{0,12}(?:公司|企业|店|厂|工作室|餐馆|饭店|超市|个体户|个体工商户|事务所|律所|法务)"
    r"[。.!！\s]*$"
    r"|^(?:你好|您好)?[,，!！\s]*(?:我们|我)是(?:做|卖|开)[\u4e00-\u9fff]{1,10}的[。.!！\s]*$",
    re.IGNORECASE,
)


_THANKED = re.compile(r"谢|\bthanks?\b|\bthank you\b|\bthx\b|\bty\b|\bcheers\b", re.IGNORECASE)


def _listed(key: str) -> str | None:
    for kind, words in KINDS.items():
        if key in words or key.replace(" ", "") in words:
            return kind
    # "你好，在吗" / "cool thank you" / "好的谢谢": every piece small talk; thanks and goodbyes
    # decide the reply over a greeting or an acknowledgement.
    kinds = _pieces(key.replace(" ", "_") if key.isascii() else key.replace(" ", ""))
    if kinds:
        # Leave to ask goes before thanks: "辛苦了 问个事" is about to ask.
        order = ("goodbye", "presence", "thanks", "identity", "greeting", "chitchat", "ack")
        return next(k for k in order if k in kinds)
    return None


# Words that join the pieces of small talk and say nothing themselves ("哦 那行 谢了", "alright
# then, thanks", "ok so bye"): skipped between pieces, never small talk alone.
_JOINERS = ("那就", "那么", "那", "就", "so", "well", "then", "and", "but")


def _pieces(key: str) -> list[str] | None:
    # The message cut into known phrases, longest first ("ok_thank_you" = ok + thank_you).
    if not key:
        return []
    key = key.strip("_")
    for joiner in _JOINERS:
        ascii_joiner = joiner.isascii()
        if not key.startswith(joiner) or len(key) == len(joiner):
            continue
        if ascii_joiner and key[len(joiner)] != "_":
            continue
        rest = _pieces(key[len(joiner) :])
        if rest:
            return rest
    if key[:1] not in _FIRSTS:
        return None
    ascii_key = key.isascii()
    for end in _LENGTHS:
        if end > len(key) or (ascii_key and end < len(key) and key[end] != "_"):
            continue
        head = key[:end]
        kind = _KIND_OF.get(head.replace("_", " "))
        if kind is None:
            continue
        rest = _pieces(key[end:])
        if rest is not None:
            return [kind, *rest]
    return None


class SmalltalkSkill:
    """Answers small talk briefly; everything else passes on."""

    name = "smalltalk"

    def kind_of(self, text: str) -> str | None:
        """The kind of small talk `text` is (for the router, inside a flow)."""
        return smalltalk_kind(text)

    def reply(self, ctx: Context, kind: str) -> Reply:
        """The short reply to small talk of `kind`, with no buttons (a flow's follow)."""
        return Reply(st(kind, ctx.lang), intent="smalltalk")

    def handle(self, ctx: Context) -> Outcome | None:
        if asks_about_station(ctx.text):
            text = station_reply(ctx.services.settings, ctx.lang, ctx.text)
            reply = Reply(text, intent="smalltalk")
            return Outcome(
                [reply], "smalltalk", "handled", result={"smalltalk": "station"}, log=False
            )
        kind = smalltalk_kind(ctx.text)
        key = _key(ctx.text) if kind is None else ""
        if kind is None and _INTRO.search(key) and not subjects_of(ctx.text):
            kind = "greeting"
        if kind is None and holds_registration(key):
            reply = Reply(holds_reply(ctx.dialogue.subject, ctx.lang), intent="smalltalk")
            return Outcome(
                [reply], "smalltalk", "handled", result={"smalltalk": "holds"}, log=False
            )
        if kind is None:
            return None
        choices: tuple[Choice, ...] = ()
        if kind == "greeting":
            choices = menu_choices(ctx.lang)
        elif kind == "complaint":
            choices = (Choice(ctx.t("menu.human"), "menu:human"),)
        reply = Reply(st(kind, ctx.lang), choices=choices, intent="smalltalk")
        return Outcome([reply], "smalltalk", "handled", result={"smalltalk": kind}, log=False)
