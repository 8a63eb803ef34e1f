"""The one text catalog: every key in Chinese and English, with the same placeholders."""

from __future__ import annotations

import importlib
import pkgutil
import string

import pytest

import bot
import handlers
from bot.core.texts import CATALOG, catalog, t


def _load_every_texts_module() -> None:
    # Features register their texts on import; load every module named texts.
    for package in (bot, handlers):
        for mod in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if mod.name.rsplit(".", 1)[-1] == "texts":
                importlib.import_module(mod.name)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    _load_every_texts_module()
    namespaces = {key.split(".", 1)[0] for key in CATALOG if "." in key}
    assert {"booking", "handoff", "tools", "telegram"} <= namespaces
    assert "welcome" in CATALOG
    problems = []
    for key, (zh, en) in CATALOG.items():
        if not zh.strip() or not en.strip():
            problems.append(f"{key}: a language is empty")
        elif _fields(zh) != _fields(en):
            problems.append(f"{key}: placeholders differ {_fields(zh)} vs {_fields(en)}")
    assert problems == []


def test_a_namespace_lookup_reads_the_catalog() -> None:
    look = catalog("test-ns", {"hello": ("你好，{name}", "Hello, {name}")})
    assert look("hello", "zh", name="王") == "你好，王"
    assert t("test-ns.hello", "en", name="Wang") == "Hello, Wang"
    with pytest.raises(ValueError, match="twice"):
        catalog("test-ns", {"hello": ("再见", "Bye")})
