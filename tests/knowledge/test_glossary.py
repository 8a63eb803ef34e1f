"""Glossary rewriting keeps longer terms whole."""

from knowledge.glossary import Glossary


def test_synonyms_become_canonical() -> None:
    g = Glossary(groups=[["续展", "续期", "延期"], ["马德里", "国际注册", "madrid"]])
    assert g.canonicalize("商标延期要多少钱") == "商标续展要多少钱"
    assert g.canonicalize("madrid fee") == "马德里 fee"


def test_a_synonym_inside_a_canonical_term_is_left_alone() -> None:
    g = Glossary(groups=[["驳回复审", "复审", "驳回后复审"]])
    assert g.canonicalize("驳回复审期限") == "驳回复审期限"
    assert g.canonicalize("复审期限") == "驳回复审期限"


def test_english_terms_match_whole_words_only() -> None:
    g = Glossary(groups=[["renewal", "renew"]])
    assert g.canonicalize("renew now") == "renewal now"
    assert g.canonicalize("renewable energy") == "renewable energy"
