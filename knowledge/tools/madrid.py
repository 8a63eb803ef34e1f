"""Madrid (WIPO) fee estimate for a list of designated parties, in CHF and CNY.

Fee rules (WIPO Schedule of Fees; shared/trademark-facts.md §3):
- basic fee 653 CHF (mark in black and white) or 903 CHF (colour);
- each designated party either takes an individual fee (its own amount, often per class)
  or the complementary fee of 100 CHF;
- the supplementary fee of 100 CHF per class beyond three applies unless every designated
  party takes an individual fee.

Individual fees change with exchange rates several times a year and none in the bundled
table is verified, so every estimate is marked indicative and points to the WIPO Fee
Calculator.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from knowledge.tools._data import ToolDataError
from knowledge.tools.fees import FeeLine, FeeTable, load_fee_table

__all__ = (
    "MadridEstimate",
    "Party",
    "PartyMatch",
    "estimate_madrid",
    "files_abroad",
    "find_parties",
    "resolve_party",
)

CALCULATOR_URL = "https://madrid.wipo.int/feecalcapp/"


@dataclass(frozen=True)
class Party:
    """A Madrid contracting party with its fee model."""

    code: str
    name_zh: str
    name_en: str
    kind: str  # "individual" or "complementary"
    base: float = 0.0
    classes_included: int = 1
    additional: tuple[float, ...] = ()
    verified: bool = False
    as_of: str = ""
    basis: str = ""
    two_parts: bool = False
    official_table: str = ""  # date of the WIPO individual-fee table the amount was seen in

    def fee(self, classes: int) -> float:
        """The individual fee for `classes` classes (0 for complementary-fee parties)."""
        if self.kind != "individual":
            return 0.0
        total = self.base
        for i in range(max(0, classes - self.classes_included)):
            total += self.additional[min(i, len(self.additional) - 1)] if self.additional else 0.0
        return total

    def name(self, lang: str) -> str:
        """Display name in `lang`."""
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True)
class PartyMatch:
    """A party name found in free text."""

    code: str
    text: str
    start: int
    member: bool = True


@dataclass(frozen=True)
class MadridEstimate:
    """Every fee line of a Madrid filing, the CHF total and the CNY equivalent."""

    lines: tuple[FeeLine, ...]
    total_chf: float
    total_cny: float
    cny_rate: float
    classes: int
    colour: bool
    parties: tuple[str, ...]
    unknown: tuple[str, ...]
    excluded: tuple[tuple[str, str, str], ...]  # (name as given, note zh, note en)
    as_of: str
    indicative: bool
    calculator: str = CALCULATOR_URL

    @property
    def complete(self) -> bool:
        """False when a name was not recognised: then no total is given (it would be wrong)."""
        return not self.unknown and bool(self.parties)

    def explain(self, lang: str = "zh") -> str:
        """Every line, the totals, and the indicative-figures warning."""
        en = lang == "en"
        out = [
            f"Madrid estimate, {self.classes} class(es), mark in {'colour' if self.colour else 'black and white'}:"
            if en
            else f"马德里国际注册费用估算（{self.classes}个类别，{'彩色' if self.colour else '黑白'}商标）："
        ]
        for ln in self.lines:
            note = ln.note(lang)
            note = (f" ({note})" if en else f"（{note}）") if note else ""
            out.append(
                f"- {ln.label(lang)}: {ln.amount:g} CHF{note}"
                if en
                else f"- {ln.label(lang)}：{ln.amount:g} 瑞士法郎{note}"
            )
        if self.complete:
            out.append(
                f"Total: {self.total_chf:g} CHF ≈ {self.total_cny:,.2f} CNY at {self.cny_rate:g} CNY/CHF."
                if en
                else f"合计：{self.total_chf:g} 瑞士法郎，按 1 瑞士法郎 = {self.cny_rate:g} 元折合约 {self.total_cny:,.2f} 元。"
            )
        for name, zh, en_note in self.excluded:
            out.append(f"- {name}: {en_note}" if en else f"- {name}：{zh}")
        if self.unknown:
            names = "、".join(self.unknown) if not en else ", ".join(self.unknown)
            out.append(
                f"Not recognised: {names}. It is not a Madrid member we know of, or the name is "
                "misspelt; so no total is given. Check the name against WIPO's member list."
                if en
                else f"未能识别：{names}。它不是我们已知的马德里体系成员，或名称有误，因此不给出合计；"
                "请对照 WIPO 马德里成员名单核对名称。"
            )
        elif not self.parties:
            out.append(
                "No designated Madrid member was recognised, so no total is given."
                if en
                else "没有识别到可指定的马德里体系成员，因此不给出合计。"
            )
        if en:
            out.append(
                f"Indicative: basic, supplementary and complementary fees per the WIPO Madrid fee "
                f"schedule (as of {self.as_of}); individual fees change often, and an amount not "
                "marked as from WIPO's individual-fee table is unverified. Check the WIPO Fee "
                f"Calculator {self.calculator}. Fees are paid in CHF; any CNIPA handling fee and "
                "agency fees are not included."
            )
        else:
            out.append(
                f"以上为参考估算：基础费、附加费、补充费依 WIPO 马德里费用表（截至 {self.as_of}）；"
                "单独规费随汇率经常调整，未注明取自 WIPO 单独规费表的金额均未经核实。"
                f"请以 WIPO 费用计算器为准：{self.calculator}。规费以瑞士法郎缴纳；不含商标局可能收取的手续费和代理费。"
            )
        return "\n".join(out)


def estimate_madrid(
    parties: Sequence[str],
    classes: int,
    colour: bool = False,
    *,
    cny_rate: float,
    table: FeeTable | None = None,
) -> MadridEstimate:
    """Estimate WIPO fees for designating `parties` (codes or names, zh/en) in `classes` classes.

    `cny_rate` has no default here: the one default is the setting `chf_cny_rate`. When a name
    is not recognised the estimate carries no total (``complete`` is False).
    """
    if classes < 1:
        raise ValueError("classes must be at least 1")
    if cny_rate <= 0:
        raise ValueError("cny_rate must be positive")
    m = (table or load_fee_table()).madrid
    known = _parties(m)
    origin = str(m.get("origin_office", "CN"))
    codes: list[str] = []
    unknown: list[str] = []
    excluded: list[tuple[str, str, str]] = []
    for given in parties:
        code = resolve_party(given, table)
        if code is None:
            unknown.append(given)
        elif code in _not_members(m):
            note = _not_members(m)[code]
            excluded.append((given, note[0], note[1]))
        elif code == origin:
            excluded.append(
                (
                    given,
                    "中国是原属局（通过商标局提交），不能在国际申请中指定中国",
                    "China is the office of origin when filing through CNIPA; it cannot be designated",
                )
            )
        elif code not in codes:
            codes.append(code)
    basic = float(m["basic_fee_colour"] if colour else m["basic_fee_bw"])
    lines = [
        FeeLine(
            "基础费（彩色）" if colour else "基础费（黑白）",
            "Basic fee (colour)" if colour else "Basic fee (black and white)",
            1,
            basic,
            basic,
        )
    ]
    any_complementary = any(known[c].kind != "individual" for c in codes)
    extra_classes = max(0, classes - 3)
    if any_complementary and extra_classes:
        unit = float(m["supplementary_fee_per_class_beyond_3"])
        lines.append(
            FeeLine(
                f"附加费（超过3类的{extra_classes}个类别）",
                f"Supplementary fee ({extra_classes} classes beyond 3)",
                extra_classes,
                unit,
                unit * extra_classes,
            )
        )
    indicative = False
    for c in codes:
        p = known[c]
        if p.kind == "individual":
            amount = p.fee(classes)
            if p.verified:
                note_en = note_zh = ""
            elif p.official_table:
                note_en = f"indicative, WIPO individual-fee table of {p.official_table}"
                note_zh = f"参考值，取自 WIPO 单独规费表（{p.official_table} 更新）"
            else:
                note_en, note_zh = "unverified", "金额未经核实"
            if p.two_parts:
                note_en += "; includes a second part paid later, on acceptance"
                note_zh += "；含核准后缴纳的第二部分"
            lines.append(
                FeeLine(
                    f"{p.name_zh}单独规费（{classes}类）",
                    f"{p.name_en} individual fee ({classes} classes)",
                    1,
                    amount,
                    amount,
                    note_en.lstrip("; "),
                    note_zh.lstrip("；"),
                )
            )
            indicative = indicative or not p.verified
        else:
            unit = float(m["complementary_fee_per_party"])
            lines.append(
                FeeLine(f"{p.name_zh}补充费", f"{p.name_en} complementary fee", 1, unit, unit)
            )
            indicative = indicative or not p.verified
    total = round(sum(ln.amount for ln in lines), 2)
    return MadridEstimate(
        lines=tuple(lines),
        total_chf=total,
        total_cny=round(total * cny_rate, 2),
        cny_rate=cny_rate,
        classes=classes,
        colour=colour,
        parties=tuple(codes),
        unknown=tuple(unknown),
        excluded=tuple(excluded),
        as_of=str(m.get("as_of", "")),
        indicative=indicative,
        calculator=str(m.get("calculator", CALCULATOR_URL)),
    )


def resolve_party(name: str, table: FeeTable | None = None) -> str | None:
    """Map a code or a zh/en name ('美国', 'USA', 'United States', 'eu') to a party code."""
    m = (table or load_fee_table()).madrid
    return _alias_index(m).get(_key(name))


# Parties named together by one character each: "日韩" (Japan and Korea), "欧美", "美日韩".
# A run of two or more, not after a digit ("1日英国" is a date, then the UK).
_ABBREVIATION = {
    "日": "JP", "韩": "KR", "美": "US", "欧": "EU", "英": "GB", "德": "DE", "俄": "RU",
    "泰": "TH", "越": "VN",
}  # fmt: skip
_ABBREVIATED = re.compile(
    r"(?:^|(?<=[\s,，、在到去和跟定报往进上加]))[日韩美欧英德俄泰越]{2,4}"
    r"(?=[\s,，、和跟及两三几这那一的呢吗等注申都也国地市]|$)"
)

# A party's name followed by its currency ("瑞士法郎", "Swiss francs") names the currency.
_CURRENCY = re.compile(r"\s*(?:法郎|francs?\b)", re.IGNORECASE)


def find_parties(text: str, table: FeeTable | None = None) -> list[PartyMatch]:
    """Find designated-party names in free text ('指定美国、欧盟和日本', 'to the US and EU')."""
    m = (table or load_fee_table()).madrid
    norm = unicodedata.normalize("NFKC", text)
    # Kept by the table and the text, all they depend on: one turn reads a message's parties
    # for its subjects (`files_abroad`) and again for the tools' facts. A new list each time.
    return list(_per_table(m).find(norm))


def _find_parties(norm: str, m: Mapping[str, Any]) -> tuple[PartyMatch, ...]:
    matchers, needles = _matchers(m)
    runs = list(_ABBREVIATED.finditer(norm))
    # Most messages name no country: a substring test per alias (microseconds) finds the few
    # aliases that can match at all, and only their expressions run (all 119 over every
    # message took 0.1-0.5 ms, 2 ms when one matched).
    present = _present(needles, matchers, norm)
    if not runs and not any(matchers[i][0].search(norm) for i in sorted(present)):
        return ()
    found: list[PartyMatch] = []
    taken: list[tuple[int, int]] = []
    for i, (pattern, code, member) in enumerate(matchers):
        if i not in present:
            continue  # its alias is nowhere in the text: the expression cannot match
        for hit in pattern.finditer(norm):
            if any(hit.start() < e and s < hit.end() for s, e in taken):
                continue
            taken.append((hit.start(), hit.end()))
            found.append(PartyMatch(code, hit.group(0), hit.start(), member))
    parties = _parties(m)
    for run in runs:
        chars = run.group(0)
        if len(set(chars)) < len(chars) or any(run.start() < e and s < run.end() for s, e in taken):
            continue
        for i, ch in enumerate(chars):
            code = _ABBREVIATION[ch]
            if code in parties:
                found.append(PartyMatch(code, parties[code].name_zh, run.start() + i, True))
    found.sort(key=lambda p: p.start)
    out: list[PartyMatch] = []
    for p in found:
        # "瑞士法郎" / "Swiss francs" is a currency, not a designation of Switzerland.
        if _CURRENCY.match(norm, p.start + len(p.text)):
            continue
        if all(p.code != q.code for q in out):
            out.append(p)
    return tuple(out)


# "想在美国日本注册", "we want to register in the US and Japan too": protection abroad asked
# for without the word Madrid. Not a foreign applicant coming to China ("美国公司在中国注册").
_FILE_WORD = re.compile(
    r"注册|申请|保护|报|递交|\b(register|registration|file|filing|protect|protection|apply)\b",
    re.IGNORECASE,
)
_TO_CHINA = re.compile(
    r"在中国|在国内|来中国|到中国|进中国|\bin china\b|\binto china\b", re.IGNORECASE
)


def files_abroad(text: str, parties: Sequence[PartyMatch] | None = None) -> bool:
    """Whether `text`, naming `parties` (find_parties; read here when not given, and only when
    the text has a word of filing: most have none), asks about protecting a mark in Madrid
    members other than China."""
    given_none = parties is not None and not parties
    if given_none or not _FILE_WORD.search(text) or _TO_CHINA.search(text):
        return False
    named = find_parties(text) if parties is None else parties
    return any(p.member and p.code != "CN" for p in named)


# --- table access -------------------------------------------------------------------------


_PARTIES: dict[int, tuple[Mapping[str, Any], dict[str, Party]]] = {}


def _parties(m: Mapping[str, Any]) -> dict[str, Party]:
    """The table's parties by code, built once per table (as `_matchers`): a message naming a
    country reads them (not to be changed by callers)."""
    cached = _PARTIES.get(id(m))
    if cached is None or cached[0] is not m:
        cached = _PARTIES[id(m)] = (m, _read_parties(m))
    return cached[1]


def _read_parties(m: Mapping[str, Any]) -> dict[str, Party]:
    out: dict[str, Party] = {}
    for code, v in (m.get("parties") or {}).items():
        if not isinstance(code, str):
            raise ToolDataError(
                f"fees.yaml madrid party key {code!r}: quote it (YAML reads NO/ON/YES as booleans)"
            )
        try:
            out[code] = Party(
                code=code,
                name_zh=str(v["zh"][0]),
                name_en=str(v["en"][0]),
                kind=str(v["kind"]),
                base=float(v.get("base", 0)),
                classes_included=int(v.get("classes_included", 1)),
                additional=tuple(float(a) for a in v.get("additional", [])),
                verified=bool(v.get("verified", False)),
                as_of=str(v.get("as_of", "")),
                basis=str(v.get("basis", "")),
                two_parts=bool(v.get("two_parts", False)),
                official_table=str(v.get("official_table") or ""),
            )
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ToolDataError(f"fees.yaml madrid party {code}: malformed ({exc!r})") from exc
        if out[code].kind not in ("individual", "complementary"):
            raise ToolDataError(
                f"fees.yaml madrid party {code}: kind must be individual or complementary"
            )
    return out


def _not_members(m: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        code: (str(v.get("note_zh", "")), str(v.get("note_en", "")))
        for code, v in (m.get("not_members") or {}).items()
    }


def _aliases(m: Mapping[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for group in ("parties", "not_members"):
        for code, v in (m.get(group) or {}).items():
            out.append((code, code))
            out += [(str(a), code) for a in [*v.get("zh", []), *v.get("en", [])]]
    return out


Matchers = list[tuple[re.Pattern[str], str, bool]]
# Which matchers can match at all: by the alias as typed (expressions that keep case), by the
# alias in lower case in the folded message (those that ignore case), and the few left that
# have no exact substring test (an alias outside ASCII that ignores case: run as they are).
# The first two by the alias's first character: only those of characters the message holds
# are looked for (a few of some 300).
ByFirst = dict[str, tuple[tuple[int, str], ...]]
Needles = tuple[ByFirst, ByFirst, tuple[int, ...]]


@dataclass(frozen=True)
class _PerTable:
    """What a fee table's Madrid parties give the scan, built once per table: every chat
    message is scanned for country names."""

    table: Mapping[str, Any]  # the table it was built from (ids of dead objects are reused)
    matchers: Matchers
    needles: Needles
    find: Callable[[str], tuple[PartyMatch, ...]]  # `_find_parties`, kept for the last texts


_TABLES: dict[int, _PerTable] = {}


def _matchers(m: Mapping[str, Any]) -> tuple[Matchers, Needles]:
    """(pattern, party code, is a member) per alias, longest alias first, and the aliases'
    needles."""
    found = _per_table(m)
    return found.matchers, found.needles


def _per_table(m: Mapping[str, Any]) -> _PerTable:
    cached = _TABLES.get(id(m))
    if cached is None or cached.table is not m:
        nonmembers = _not_members(m)
        aliases = sorted(_aliases(m), key=lambda a: -len(a[0]))
        matchers = [
            (_alias_pattern(alias), code, code not in nonmembers) for alias, code in aliases
        ]
        cases = [p.flags & re.IGNORECASE for p, _code, _member in matchers]
        needles = (
            _by_first(
                (i, a) for i, ((a, _c), ic) in enumerate(zip(aliases, cases, strict=True)) if not ic
            ),
            _by_first(
                (i, a.lower())
                for i, ((a, _c), ic) in enumerate(zip(aliases, cases, strict=True))
                if ic and a.isascii()
            ),
            tuple(
                i
                for i, ((a, _c), ic) in enumerate(zip(aliases, cases, strict=True))
                if ic and not a.isascii()
            ),
        )
        find = lru_cache(maxsize=256)(partial(_find_parties, m=m))
        cached = _TABLES[id(m)] = _PerTable(m, matchers, needles, find)
    return cached


# The characters outside ASCII that `re` matches to an ASCII letter when it ignores case (İ ı ſ
# and the Kelvin sign; tests/knowledge/tools/test_madrid_needles.py checks every code point).
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _by_first(aliases: Iterable[tuple[int, str]]) -> ByFirst:
    out: dict[str, list[tuple[int, str]]] = {}
    for i, alias in aliases:
        out.setdefault(alias[:1], []).append((i, alias))
    return {first: tuple(found) for first, found in out.items()}


def _occurring(by_first: ByFirst, text: str) -> set[int]:
    """The aliases (their matchers) that occur in `text`: an empty one always does."""
    return {
        i for first in ("", *set(text)) for i, alias in by_first.get(first, ()) if alias in text
    }


def _present(needles: Needles, matchers: Matchers, norm: str) -> set[int]:
    """The matchers that can match `norm`: an alias's expression (the literal alias between
    letter boundaries) matches only where the alias occurs, as typed, or, when it ignores
    case, in lower case once the ASCII twins are folded."""
    kept, lowered, others = needles
    present = _occurring(kept, norm)
    folded = norm.translate(_ASCII_TWINS).lower()
    present.update(_occurring(lowered, folded))
    present.update(i for i in others if matchers[i][0].search(norm))
    return present


_ALIAS_INDEX: dict[int, tuple[Mapping[str, Any], dict[str, str]]] = {}


def _alias_index(m: Mapping[str, Any]) -> dict[str, str]:
    """Party code by normalised alias, built once per table (as `_matchers`): a party named
    in a follow-up is resolved against every alias of the table."""
    cached = _ALIAS_INDEX.get(id(m))
    if cached is None or cached[0] is not m:
        cached = _ALIAS_INDEX[id(m)] = (m, {_key(alias): code for alias, code in _aliases(m)})
    return cached[1]


def _key(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).casefold().strip()
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"[\s.]+", "", s)


def _alias_pattern(alias: str) -> re.Pattern[str]:
    if re.search(r"[\u4e00-\u9fff]", alias):
        return re.compile(re.escape(alias))
    if len(alias) <= 3 and alias.isupper():
        # Two-letter codes only as capitals on word boundaries, so "us" in "help us" is no USA.
        return re.compile(r"(?<![A-Za-z])" + re.escape(alias) + r"(?![A-Za-z])")
    return re.compile(r"(?<![A-Za-z])" + re.escape(alias) + r"(?![A-Za-z])", re.IGNORECASE)
