"""Renewing what the conversation is about: "can it be renewed" after the customs recordal.

"续展" / "renew" names the renewal of a mark, so such a message is read as the national
renewal. Right after an answer on something else that has a term of its own (the customs
recordal lasts 10 years and is renewed, so is an international registration), a short message
naming renewal and no mark of its own asks whether and when THAT is renewed: the validity facet
of the conversation's subject, which the subject x facet map answers.
"""

from __future__ import annotations

import re

from bot.core.understand import Interpretation, lexicon, subjects_of
from bot.faq.facets import FacetMap, family

__all__ = ("renewal_of_context",)

# A mark of its own ("我们商标到期了能续吗", "can the trademark be renewed"): the national renewal.
_OWN_MARK = re.compile(r"商标|牌子|品牌|trademark|\bmarks?\b|\bbrand|\btm\b", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Whether or when it is renewed; "续展费多少" after customs keeps the renewal fee.
_TERM_FACETS = (None, "validity", "expired", "time", "procedure")


def renewal_of_context(interp: Interpretation | None, text: str, fmap: FacetMap) -> bool:
    """Read a short "can it be renewed" as the validity of the conversation's subject.

    Rewrites `interp` (subject, facet, follow-up, query) and says whether it did.
    """
    if interp is None or interp.intent is not None or interp.followup:
        return False
    if _named_with_term(interp, text, fmap):
        return True
    context = interp.context_subject
    if family(interp.subject) != "renewal" or family(context) in (None, "renewal", "registration"):
        return False
    if set(subjects_of(text)) - {"renewal", "grace", "registration"} or _OWN_MARK.search(text):
        return False
    short = len(text) <= 16 if _CJK.search(text) else len(text.split()) <= 9
    if not short or interp.facet not in _TERM_FACETS or not fmap.covers(context, "validity"):
        return False
    subject = lexicon().subject[context]
    phrase = subject.zh if _CJK.search(text) else subject.en
    interp.subject, interp.facet, interp.followup = context, "validity", True
    interp.query = f"{phrase} {text}"
    return True


# A national mark set against the other ("国内续展了马德里还要续吗"): both are asked about.
_NATIONAL = re.compile(
    r"国内|境内|基础商标|\bnational\b|domestic|chinese (\w+ )?(mark|registration)|bas(e|ic) mark",
    re.I,
)


def _named_with_term(interp: Interpretation, text: str, fmap: FacetMap) -> bool:
    """Renewal named with the subject whose term it is, in one message ("有个马德里国际注册明年就满
    10年了 这个咋续", "how do we renew the customs recordal"): that subject's term and renewal."""
    named = set(subjects_of(text))
    if not {"renewal", "grace"} & named or _NATIONAL.search(text):
        return False
    others = {family(s) for s in named} - {"renewal", "registration", None}
    if len(others) != 1 or interp.facet not in _TERM_FACETS:
        return False
    subject = others.pop()
    if subject is None or not fmap.covers(subject, "validity"):
        return False
    interp.subject, interp.facet, interp.followup = subject, "validity", True
    return True
