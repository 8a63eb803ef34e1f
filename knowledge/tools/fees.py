"""CNIPA official fees and the national filing estimator.

The amounts live in ``knowledge/data/fees.yaml`` with their sources and as-of date, so admins
change a fee by editing that file (or passing another path), not the code. Madrid (WIPO)
fees are in ``knowledge.tools.madrid``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.tools._data import DATA_DIR, ToolDataError
from knowledge.yamltext import parse_yaml

__all__ = (
    "DEFAULT_FEES_FILE",
    "FeeItem",
    "FeeLine",
    "FeeTable",
    "NationalEstimate",
    "RenewalFee",
    "estimate_national",
    "load_fee_table",
    "renewal_fee",
)

DEFAULT_FEES_FILE = DATA_DIR / "fees.yaml"
ITEMS_INCLUDED_PER_CLASS = 10  # 受理商标注册费 covers ten items in the class


@dataclass(frozen=True)
class FeeItem:
    """One row of the CNIPA fee table, in CNY."""

    key: str
    zh: str
    en: str
    paper: int
    online: int
    unit: str
    unit_verified: bool
    status: str

    def amount(self, online: bool) -> int:
        """The fee for the chosen channel."""
        return self.online if online else self.paper

    def name(self, lang: str) -> str:
        """The item's name in `lang`."""
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class FeeTable:
    """The CNIPA fee table plus the raw Madrid block (read by ``knowledge.tools.madrid``)."""

    items: Mapping[str, FeeItem]
    effective: dt.date
    as_of: dt.date
    sources: tuple[str, ...]
    online_condition: str
    madrid: Mapping[str, Any]
    source_file: str = ""

    def item(self, key: str) -> FeeItem:
        """Return a fee row by key, e.g. 'renewal'."""
        try:
            return self.items[key]
        except KeyError as exc:
            raise ToolDataError(f"{self.source_file}: fee item '{key}' is missing") from exc


@dataclass(frozen=True)
class FeeLine:
    """One line of an estimate: what, how many, unit amount, subtotal."""

    label_zh: str
    label_en: str
    quantity: int
    unit_amount: float
    amount: float
    note_en: str = ""
    note_zh: str = ""

    def label(self, lang: str) -> str:
        """The line's label in `lang`."""
        return self.label_en if lang == "en" else self.label_zh

    def note(self, lang: str) -> str:
        """The line's remark in `lang` (may be empty)."""
        return self.note_en if lang == "en" else self.note_zh


@dataclass(frozen=True)
class NationalEstimate:
    """Official CNIPA fees for one application covering several classes."""

    lines: tuple[FeeLine, ...]
    total: int
    online: bool
    classes: int
    items: tuple[int, ...]
    as_of: dt.date
    effective: dt.date
    sources: tuple[str, ...]

    def explain(self, lang: str = "zh") -> str:
        """List every line and the total, with the table's date and source."""
        if lang == "en":
            channel = "online" if self.online else "paper"
            out = [f"Official CNIPA fees ({channel} filing), {self.classes} class(es):"]
            out += [
                f"- {ln.label('en')}: {ln.quantity} × {ln.unit_amount:g} = {ln.amount:g} CNY"
                for ln in self.lines
            ]
            out.append(f"Total: {self.total} CNY (official fees only; agency fees not included).")
            out.append(
                f"Fee table effective {self.effective}, checked {self.as_of}; source: {self.sources[0]}"
            )
            return "\n".join(out)
        channel = "网上申请" if self.online else "纸质申请"
        out = [f"商标局官费（{channel}），共{self.classes}个类别："]
        out += [
            f"- {ln.label('zh')}：{ln.quantity} × {ln.unit_amount:g} = {ln.amount:g} 元"
            for ln in self.lines
        ]
        out.append(f"合计：{self.total} 元（仅官费，不含代理费）。")
        out.append(
            f"收费标准自 {self.effective} 起执行，核对日期 {self.as_of}；来源：{self.sources[0]}"
        )
        return "\n".join(out)


@dataclass(frozen=True)
class RenewalFee:
    """The renewal fee due for a number of classes, with or without the late surcharge."""

    classes: int
    late: bool
    online_total: int
    paper_total: int
    per_class_online: int
    per_class_paper: int
    late_per_class_online: int
    late_per_class_paper: int
    as_of: dt.date
    effective: dt.date
    unit_verified: bool

    def explain(self, lang: str = "zh") -> str:
        """One or two lines with the amounts."""
        n = self.classes
        if lang == "en":
            base = (
                f"Renewal: {self.per_class_online} CNY per class online / {self.per_class_paper} on paper"
                f" × {n} class(es)"
            )
            if self.late:
                base += (
                    f", plus the grace-period surcharge {self.late_per_class_online} online / "
                    f"{self.late_per_class_paper} on paper per class"
                )
            return (
                f"{base} = {self.online_total} CNY online or {self.paper_total} CNY on paper "
                f"(official fees, table effective {self.effective}, checked {self.as_of})."
            )
        base = f"续展费：网上 {self.per_class_online} 元/类、纸质 {self.per_class_paper} 元/类 × {n} 类"
        if self.late:
            base += f"，另加宽展期迟延费 网上 {self.late_per_class_online} 元/类、纸质 {self.late_per_class_paper} 元/类"
        return (
            f"{base}，合计网上 {self.online_total} 元、纸质 {self.paper_total} 元"
            f"（官费，收费标准自 {self.effective} 起执行，核对日期 {self.as_of}）。"
        )


def load_fee_table(path: Path | str | None = None) -> FeeTable:
    """Load the fee table from `path` (default: the bundled YAML); cached per path."""
    return _load(str(Path(path) if path else DEFAULT_FEES_FILE))


def estimate_national(
    classes: Sequence[int],
    online: bool = True,
    table: FeeTable | None = None,
    numbers: Sequence[int] = (),
) -> NationalEstimate:
    """Official fee for one application: `classes` lists the number of items in each class;
    `numbers` the Nice class numbers of the first ones, when the user named them ("第35类")."""
    if not classes:
        raise ValueError("give at least one class (a list with the number of items per class)")
    if any(n < 1 for n in classes):
        raise ValueError("each class needs at least one item")
    t = table or load_fee_table()
    base, extra = t.item("application"), t.item("extra_item")
    lines: list[FeeLine] = []
    total = 0
    for i, n in enumerate(classes, start=1):
        fee = base.amount(online)
        named = i <= len(numbers)
        zh = f"第{numbers[i - 1]}类" if named else f"第{i}个类别"
        en = f"class {numbers[i - 1]}" if named else (f"class #{i}" if numbers else f"class {i}")
        lines.append(
            FeeLine(
                f"{zh}基本费（含{ITEMS_INCLUDED_PER_CLASS}个项目，实报{n}项）",
                f"{en}: base fee (covers {ITEMS_INCLUDED_PER_CLASS} items; {n} listed)",
                1,
                fee,
                fee,
            )
        )
        total += fee
        over = max(0, n - ITEMS_INCLUDED_PER_CLASS)
        if over:
            amount = over * extra.amount(online)
            lines.append(
                FeeLine(
                    f"{zh}超出的{over}个项目",
                    f"{en}: {over} items beyond 10",
                    over,
                    extra.amount(online),
                    amount,
                )
            )
            total += amount
    return NationalEstimate(
        tuple(lines), total, online, len(classes), tuple(classes), t.as_of, t.effective, t.sources
    )


def renewal_fee(classes: int = 1, late: bool = False, table: FeeTable | None = None) -> RenewalFee:
    """Renewal fee for `classes` classes, adding the grace-period surcharge when `late`."""
    if classes < 1:
        raise ValueError("classes must be at least 1")
    t = table or load_fee_table()
    ren, lat = t.item("renewal"), t.item("renewal_late")
    late_on, late_pa = (lat.online, lat.paper) if late else (0, 0)
    return RenewalFee(
        classes=classes,
        late=late,
        online_total=classes * (ren.online + late_on),
        paper_total=classes * (ren.paper + late_pa),
        per_class_online=ren.online,
        per_class_paper=ren.paper,
        late_per_class_online=lat.online,
        late_per_class_paper=lat.paper,
        as_of=t.as_of,
        effective=t.effective,
        unit_verified=ren.unit_verified and lat.unit_verified,
    )


@lru_cache(maxsize=8)
def _load(path: str) -> FeeTable:
    try:
        raw = parse_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ToolDataError(f"{path}: cannot read fee table: {exc}") from exc
    try:
        cn = raw["cnipa"]
        items = {
            key: FeeItem(
                key,
                str(v["zh"]),
                str(v["en"]),
                int(v["paper"]),
                int(v["online"]),
                str(v["unit"]),
                bool(v.get("unit_verified", False)),
                str(v.get("status", "")),
            )
            for key, v in cn["items"].items()
        }
        table = FeeTable(
            items=items,
            effective=_as_date(cn["effective"]),
            as_of=_as_date(cn["as_of"]),
            sources=tuple(str(s) for s in cn["sources"]),
            online_condition=str(cn.get("online_condition", "")),
            madrid=raw["madrid"],
            source_file=path,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ToolDataError(f"{path}: malformed fee table ({exc!r})") from exc
    for key in ("application", "extra_item", "renewal", "renewal_late"):
        table.item(key)
    return table


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
