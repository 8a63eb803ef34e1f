"""The labelled dialogue set: its format, loading with checks, and the rule that marks a turn.

A file (tests/data/dialogs/*.yaml) holds `conversations:`, each with an `id`, a failure `kind`
(see KINDS), a `lang` and `turns`. A turn is `say:` (the message) plus what a good human
receptionist would do with it:

- `intent`: one of INTENTS (the core's own name for it; see `intent_ok` for the equivalences);
- `faq`: the entry id that must be answered (or a list of ids that are all right);
  `suggest_ok: true` also accepts a suggestion list that contains one of them;
  `tool_ok`: a tool name (or list) whose computation is right too, for a question the FAQ
  answers in general and a computation for the user's own mark just as well ("多少钱" after
  a renewal date was computed); `has` and `lacks` still apply;
- `tool`: the tool's name in `result["tool"]` (or a list of acceptable names), and
  `figures`: dotted paths into `result` with their expected values (`a|b` = either path;
  lists compare as sets; `classes_include` = Nice classes that must all be among the class
  finder's suggestions);
- `has`: texts that must each be shown (answer or button labels); an item that is a list
  is satisfied by any one of its alternatives; `lacks`: texts that must not be shown;
- `callback: true`: the message is a button press (its payload), not typed text;
- `wait`: minutes that pass before the message (the clock moves on).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = (
    "INTENTS",
    "KINDS",
    "Conversation",
    "Got",
    "Turn",
    "check_turn",
    "corpus_ids",
    "intent_ok",
    "load_dialogs",
)

KINDS = (
    "facet_followup",  # "那收费呢" after an answered question keeps its subject
    "tool_followup",  # "3个类" after a tool result updates that tool's inputs
    "natural_intent",  # booking / handoff asked in the user's own words
    "smalltalk",  # greetings, thanks, acknowledgements: a short friendly reply
    "typed_choice",  # choices typed in a flow: numbers, labels, dates, times, any, cancel
    "multi_question",  # several unrelated questions in one session
    "out_of_scope",  # questions the station does not answer: a polite refusal
)
INTENTS = (
    "faq",
    "tool",
    "booking",
    "handoff",
    "smalltalk",
    "choice",
    "cancel",
    "feedback",
    "command",
    "unknown",
)
_TURN_KEYS = {
    "say",
    "intent",
    "faq",
    "suggest_ok",
    "tool_ok",
    "tool",
    "figures",
    "has",
    "lacks",
    "callback",
    "wait",
    "note",
}
_FLOW_INTENTS = {"booking", "handoff"}


@dataclass(frozen=True)
class Turn:
    """One user message and what should become of it."""

    say: str
    intent: str
    faq: tuple[str, ...] = ()
    suggest_ok: bool = False
    tools: tuple[str, ...] = ()  # acceptable tool names
    tool_ok: tuple[str, ...] = ()  # a faq turn: these tools' computations are right too
    figures: Mapping[str, Any] = field(default_factory=dict)
    has: tuple[str | tuple[str, ...], ...] = ()
    lacks: tuple[str, ...] = ()
    callback: bool = False
    wait: float = 0.0


@dataclass(frozen=True)
class Conversation:
    """One user's conversation, from a fresh state."""

    id: str
    kind: str
    lang: str
    turns: tuple[Turn, ...]


@dataclass
class Got:
    """What the core made of one turn (the `tmbot ask --json` fields plus buttons)."""

    intent: str
    outcome: str = ""
    faq_id: str | None = None
    suggestions: list[str] = field(default_factory=list)
    result: Mapping[str, Any] | None = None
    answer: str = ""
    buttons: list[str] = field(default_factory=list)

    def brief(self) -> str:
        """One line for the --details listing."""
        bits = [self.intent]
        if self.outcome and self.outcome not in {"answered", "handled"}:
            bits.append(f"({self.outcome})")
        if self.faq_id:
            bits.append(self.faq_id)
        if self.suggestions:
            bits.append("suggests " + ",".join(self.suggestions))
        if self.result and "tool" in self.result:
            bits.append(f"tool={self.result['tool']}")
        text = " ".join(self.answer.split())
        return " ".join(bits) + f" | {text[:90]}"


def _texts(value: Any, where: str) -> tuple[Any, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out: list[Any] = []
    for item in items:
        if isinstance(item, list):
            out.append(tuple(str(x) for x in item))
        elif isinstance(item, str | int | float):
            out.append(str(item))
        else:
            raise ValueError(f"{where}: bad text item {item!r}")
    return tuple(out)


def _turn(raw: Mapping[str, Any], where: str, known_ids: set[str] | None) -> Turn:
    unknown_keys = set(raw) - _TURN_KEYS
    if unknown_keys:
        raise ValueError(f"{where}: unknown keys {sorted(unknown_keys)}")
    if "say" not in raw or "intent" not in raw:
        raise ValueError(f"{where}: a turn needs `say` and `intent`")
    intent = str(raw["intent"])
    if intent not in INTENTS:
        raise ValueError(f"{where}: unknown intent {intent!r}")
    faq, tool, ok = raw.get("faq"), raw.get("tool"), raw.get("tool_ok")
    if ok and intent != "faq":
        raise ValueError(f"{where}: `tool_ok` goes with intent faq")
    ids = tuple(str(x) for x in (faq if isinstance(faq, list) else [faq] if faq else []))
    if known_ids is not None:
        missing = [i for i in ids if i not in known_ids]
        if missing:
            raise ValueError(f"{where}: unknown FAQ ids {missing}")
    if ids and intent != "faq":
        raise ValueError(f"{where}: `faq` goes with intent faq")
    if intent == "choice" and not raw.get("has"):
        raise ValueError(f"{where}: a choice turn needs `has` (what choosing it must show)")
    return Turn(
        say=str(raw["say"]),
        intent=intent,
        faq=ids,
        suggest_ok=bool(raw.get("suggest_ok", False)),
        tools=tuple(str(x) for x in (tool if isinstance(tool, list) else [tool] if tool else [])),
        tool_ok=tuple(str(x) for x in (ok if isinstance(ok, list) else [ok] if ok else [])),
        figures=dict(raw.get("figures") or {}),
        has=_texts(raw.get("has"), where),
        lacks=tuple(str(x) for x in _texts(raw.get("lacks"), where)),
        callback=bool(raw.get("callback", False)),
        wait=float(raw.get("wait", 0)),
    )


def load_dialogs(path: Path, known_ids: set[str] | None = None) -> list[Conversation]:
    """The conversations of one file; raises ValueError on anything malformed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[Conversation] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("conversations") or []):
        cid = str(raw.get("id") or f"#{i}")
        where = f"{path.name}:{cid}"
        if cid in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(cid)
        if raw.get("kind") not in KINDS:
            raise ValueError(f"{where}: unknown kind {raw.get('kind')!r}")
        if raw.get("lang") not in {"zh", "en"}:
            raise ValueError(f"{where}: lang must be zh or en")
        turns = tuple(
            _turn(t, f"{where} turn {n}", known_ids)
            for n, t in enumerate(raw.get("turns") or [], 1)
        )
        if not turns:
            raise ValueError(f"{where}: no turns")
        out.append(Conversation(cid, str(raw["kind"]), str(raw["lang"]), turns))
    return out


def _path(result: Mapping[str, Any] | None, dotted: str) -> Any:
    node: Any = result
    for part in dotted.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


_MISSING = object()


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, list) and isinstance(got, list | tuple):
        return sorted(map(str, expected)) == sorted(map(str, got))
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return abs(float(expected) - float(got)) < 0.01
    return str(expected) == str(got)


def _suggested_classes(result: Mapping[str, Any] | None) -> set[int]:
    found = _path(result, "suggestions")
    if not isinstance(found, list):
        return set()
    return {s["class"] for s in found if isinstance(s, Mapping) and "class" in s}


def intent_ok(expected: str, got: Got) -> bool:
    """Whether the core's intent is the expected one.

    `choice` is a typed answer to a flow's question: the flow's own intent counts (its `has`
    texts then prove the step moved on); `cancel` also counts when the flow reports the
    outcome `cancelled`/`closed`; `unknown` is a refusal (`refuse` is its other name).
    """
    if expected == "choice":
        return got.intent == "choice" or got.intent in _FLOW_INTENTS
    if expected == "cancel":
        return got.intent == "cancel" or got.outcome in {"cancelled", "closed"}
    if expected == "unknown":
        return got.intent in {"unknown", "refuse"}
    return got.intent == expected


def check_turn(turn: Turn, got: Got) -> list[str]:
    """What is wrong with `got` for `turn` (empty = right)."""
    problems: list[str] = []
    faq_as_suggestion = (
        turn.intent == "faq"
        and turn.suggest_ok
        and got.intent == "suggest"
        and any(i in got.suggestions for i in turn.faq)
    )
    tool_as_answer = (
        bool(turn.tool_ok) and got.intent == "tool" and _path(got.result, "tool") in turn.tool_ok
    )
    if tool_as_answer:
        pass  # the computation stands for the entry; what it must show is checked below
    elif not intent_ok(turn.intent, got) and not faq_as_suggestion:
        problems.append(f"intent {got.intent}, expected {turn.intent}")
    elif turn.faq and not faq_as_suggestion and got.faq_id not in turn.faq:
        problems.append(f"entry {got.faq_id}, expected {'|'.join(turn.faq)}")
    if turn.tools:
        tool = _path(got.result, "tool")
        if tool not in turn.tools:
            shown = None if tool is _MISSING else tool
            problems.append(f"tool {shown}, expected {'|'.join(turn.tools)}")
    for key, want in turn.figures.items():
        if key == "classes_include":
            shown = _suggested_classes(got.result)
            lacking = [c for c in (want if isinstance(want, list) else [want]) if c not in shown]
            if lacking:
                problems.append(f"classes {sorted(shown)} lack {lacking}")
            continue
        # "a|b": either path may hold the figure (e.g. a recomputation or a fee-only answer).
        values = [_path(got.result, k) for k in key.split("|")]
        if not any(v is not _MISSING and _same(want, v) for v in values):
            found = next((v for v in values if v is not _MISSING), None)
            problems.append(f"{key}={found}, expected {want}")
    shown_text = "\n".join([got.answer, *got.buttons]).casefold()
    for item in turn.has:
        options = item if isinstance(item, tuple) else (item,)
        if not any(o.casefold() in shown_text for o in options):
            problems.append(f"does not show {'/'.join(options)!r}")
    for text in turn.lacks:
        if text.casefold() in shown_text:
            problems.append(f"shows {text!r}")
    return problems


def corpus_ids(entries: Sequence[Any]) -> set[str]:
    """The ids of corpus entries (for validating labels)."""
    return {e.id for e in entries}
