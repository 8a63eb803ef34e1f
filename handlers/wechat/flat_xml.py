"""WeChat's XML read as xmltodict reads it, at a fraction of the cost for the documents WeChat
sends: one root whose children are plain text elements (the safe-mode envelope, messages and
most events).

`parse_xml` runs the very parser xmltodict would (expat, the same options, entity declarations
refused with xmltodict's ValueError), so a document is refused exactly as before, at the same
place and with the same error. Only the dictionary is built more cheaply: a document with
anything else (attributes, nested or repeated elements, text beside the children, no children)
is handed to xmltodict whole, so the result is always xmltodict's. `parse_message` is wechatpy's
`parse_message` over it (tests/handlers/test_wechat_flat_xml.py compares both on every kind).
"""

from __future__ import annotations

from typing import Any
from xml.parsers import expat

import xmltodict
from wechatpy.events import EVENT_TYPES
from wechatpy.messages import MESSAGE_TYPES, BaseMessage, UnknownMessage

__all__ = ("field", "parse_message", "parse_xml")


class _NotFlat(Exception):
    """The document needs xmltodict's general reading."""


def _forbid_entities(*_args: object, **_kwargs: object) -> None:
    raise ValueError("entities are disabled")  # xmltodict's refusal, word for word


class _Flat:
    """expat handlers building {root: {child: text}}; raise _NotFlat on anything else."""

    __slots__ = ("children", "depth", "root", "root_text", "text")

    def __init__(self) -> None:
        self.depth = 0
        self.root = ""
        self.children: dict[str, str | None] = {}
        self.root_text: list[str] = []
        self.text: list[str] = []

    def start(self, name: str, attrs: list[str]) -> None:
        if attrs or self.depth > 1:
            raise _NotFlat
        if self.depth == 0:
            self.root = name
        else:
            self.text = []
        self.depth += 1

    def end(self, name: str) -> None:
        self.depth -= 1
        if self.depth == 0:
            # No children (a bare text root) or text beside them: xmltodict's shapes differ.
            if not self.children or "".join(self.root_text).strip():
                raise _NotFlat
            return
        if name in self.children:  # repeated: xmltodict makes a list
            raise _NotFlat
        data: str | None = "".join(self.text) if self.text else None
        if data:
            data = data.strip() or None
        self.children[name] = data

    def characters(self, data: str) -> None:
        (self.text if self.depth > 1 else self.root_text).append(data)


def parse_xml(data: bytes | str) -> dict[str, Any]:
    """`xmltodict.parse(data)`: the same dictionary, or the same error."""
    encoding = None
    raw = data
    if isinstance(raw, str):  # as xmltodict: text is parsed as its UTF-8 bytes
        encoding = "utf-8"
        raw = raw.encode(encoding)
    flat = _Flat()
    parser = expat.ParserCreate(encoding, None)
    parser.ordered_attributes = True
    parser.StartElementHandler = flat.start
    parser.EndElementHandler = flat.end
    parser.CharacterDataHandler = flat.characters
    parser.buffer_text = True
    parser.EntityDeclHandler = _forbid_entities
    try:
        parser.Parse(raw, True)
    except _NotFlat:
        return xmltodict.parse(data)  # type: ignore[no-any-return]
    return {flat.root: flat.children}


def parse_message(xml: str) -> BaseMessage | None:
    """`wechatpy.parse_message(xml)` with the XML read by `parse_xml` (wechatpy 1.8.18's choice
    of message or event class, step for step)."""
    if not xml:
        return None
    message = parse_xml(xml)["xml"]
    message_type = message["MsgType"].lower()
    event_type = None
    if message_type == "event" or message_type.startswith("device_"):
        if "Event" in message:
            event_type = message["Event"].lower()
        if event_type is None and message_type.startswith("device_"):
            event_type = message_type
        elif message_type.startswith("device_"):
            event_type = f"device_{event_type}"
        if event_type == "subscribe" and message.get("EventKey"):
            event_key = message["EventKey"]
            if event_key.startswith(("scanbarcode|", "scanimage|")):
                event_type = "subscribe_scan_product"
                message["Event"] = event_type
            elif event_key.startswith("qrscene_"):
                event_type = "subscribe_scan"
                message["Event"] = event_type
                message["EventKey"] = event_key[len("qrscene_") :]
        message_class = EVENT_TYPES.get(event_type, UnknownMessage)
    else:
        message_class = MESSAGE_TYPES.get(message_type, UnknownMessage)
    return message_class(message)  # type: ignore[no-any-return]


def field(msg: BaseMessage, name: str) -> Any:
    """`msg`'s element `name` as wechatpy's field descriptors read it (`msg.source` is
    `field(msg, "FromUserName")`), without their work (a `copy.deepcopy` of the default when
    it is missing, a conversion) on every read. Their `StringField` gives parsed text as it
    is (`to_text`), a missing element as None (the default), and a nested one (xmltodict's
    dict or list) as it is, a dict as an `ObjectDict` that reads and prints the same; an
    `IntegerField` is `int()` of this value, which the caller applies."""
    return msg._data.get(name)
