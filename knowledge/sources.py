"""Which sources users see: official texts by name and official pages, never a code-hosting site.

An entry's ``sources`` may keep private references (a mirror of the statutes on a code-hosting
site, a secondary report) for the editors; users are shown the names of the legal texts the
entry rests on (``laws``) and one official page: the first official source of the entry, else
the official page of its first legal text.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urlparse

from knowledge.laws import LawText, load_laws
from knowledge.schema import FaqEntry

__all__ = (
    "CODE_HOSTING_HOSTS",
    "OFFICIAL_HOSTS",
    "is_code_hosting",
    "is_official",
    "official_link",
    "source_names",
)

# Official publishers: the NPC law database, the State Council, CNIPA and its trademark office,
# customs, WIPO. A subdomain of one of these counts.
OFFICIAL_HOSTS = (
    "flk.npc.gov.cn",
    "npc.gov.cn",
    "gov.cn",
    "cnipa.gov.cn",
    "customs.gov.cn",
    "wipo.int",
)
CODE_HOSTING_HOSTS = (
    "github.com",
    "githubusercontent.com",
    "github.io",
    "gitlab.com",
    "gitee.com",
    "bitbucket.org",
    "sourceforge.net",
    "codeberg.org",
)


def _host(url: str) -> str:
    return (urlparse(url).hostname or "").lower()


def _under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def is_official(url: str) -> bool:
    """Whether `url` is on an official publisher's site."""
    return _under(_host(url), OFFICIAL_HOSTS)


def is_code_hosting(url_or_text: str) -> bool:
    """Whether `url_or_text` is, or names, a code-hosting site."""
    low = url_or_text.lower()
    return _under(_host(url_or_text), CODE_HOSTING_HOSTS) or any(
        d in low for d in CODE_HOSTING_HOSTS
    )


# Cached: every FAQ answer reads its entry's few source URLs again (`official_link`), and
# parsing one costs more than the rest of the source line.
@lru_cache(maxsize=1024)
def _shown(url: str) -> bool:
    """Whether a source URL may be shown to users as the official page."""
    return is_official(url) and not is_code_hosting(url)


def official_link(entry: FaqEntry, laws: Mapping[str, LawText] | None = None) -> str | None:
    """The official page to show for `entry`, or None when it has none."""
    for url in entry.sources:
        if _shown(url):
            return url
    table = laws or load_laws()
    for key in entry.laws:
        if key in table:
            return table[key].link
    return None


def source_names(entry: FaqEntry, lang: str, laws: Mapping[str, LawText] | None = None) -> str:
    """The legal texts `entry` rests on, by name and version, joined for display."""
    table = laws or load_laws()
    names = [table[k].name(lang) for k in entry.laws if k in table]
    return ("; " if lang == "en" else "、").join(names)
