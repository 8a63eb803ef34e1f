"""The facet lexicon per meaning (bot/core/understanding.yaml), checked as a table.

Each row is one meaning with the common ways clerks type it, in both languages; every variant
must read as that facet and no other (the first facet that matches is the message's).
"""

from __future__ import annotations

import pytest

from bot.core.understand import facet_of

TABLE: dict[str, list[str]] = {
    "validity": [
        *(
            "能用几年",
            "能用多久",
            "有效多久",
            "管用多久",
            "保护期多长",
            "有效期限是多久",
            "能保多少年",
        ),
        *("注册下来管几年", "how long is it valid for", "how many years does it last"),
        *("how long does it stay valid", "good for how long", "is it valid forever"),
    ],
    "fee": [
        *("多少钱", "费用", "收费吗", "贵不贵", "要花多少", "要交钱不", "收钱吗", "官费呢"),
        *("要几个钱", "花费大概多少", "how much", "what does it cost", "any charge for it?"),
        *("what do we pay", "is it free", "any fees", "price?"),
    ],
    "result_time": [
        *("多久", "几天能办完", "多长时间", "啥时候能好", "多久能下来", "要等多久", "几个工作日"),
        *("要几个月", "how long does it take", "turnaround?", "how many weeks"),
    ],
    "eligibility": [
        *("谁能申请", "谁可以办", "哪些人可以申请", "什么企业可以申请", "有没有资格", "个人能办吗"),
        *("who can apply", "who is allowed to file", "who may file", "who is eligible"),
        "can an individual apply",
    ],
    "prerequisite": [
        *(
            "要先在国内注册吗",
            "必须先有国内商标吗",
            "得先拿证吗",
            "国内还没注册能申请吗",
            "之前没注册过行吗",
        ),
        *("do we need a chinese mark first", "must we register in china before?"),
        "what if we haven't registered in china yet",
    ],
    "count": ["有几个类", "一共多少个成员", "how many classes", "how many members"],
    "documents": [
        *("要啥材料", "需要什么文件", "要准备什么", "what documents", "what paperwork"),
        "what do we need to submit",
    ],
}


@pytest.mark.parametrize(
    ("facet", "text"), [(facet, text) for facet, texts in TABLE.items() for text in texts]
)
def test_each_variant_reads_as_its_facet(facet: str, text: str) -> None:
    assert facet_of(text) == facet
