"""The safety screen: what counts as a signal, and what does not, in English and Turkish.

Recall and false alarms over hundreds of sentences are measured in
`test_recognition.py`; these are the rules behind them, one by one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from unittest import mock

import pytest

from bot.safety import meaning, phrases
from bot.safety.screen import (
    ASK_THRESHOLD,
    CATEGORIES,
    SAFETY_DIR,
    Detector,
    Reading,
    default_detector,
    load_language,
)


def found(text: str) -> frozenset[str]:
    return default_detector().check(text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("nobody knows he beats me", "violence"),
        ("He never thought I'd tell anyone, but he hits me", "violence"),
        ("Honestly never. He never stops hitting me when he drinks.", "violence"),
        ("Kocam beni dövmeyi bırakmıyor", "violence"),
        ("kendime zarar vermeyi bırakamıyorum", "self_harm"),
        ("I'm not angry. I want to die", "self_harm"),
        ("nobody would even notice if I was gone", "self_harm_passive"),
    ],
)
def test_a_denial_elsewhere_in_the_sentence_does_not_hide_the_harm(text, category):
    assert category in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "he would never hurt me",
        "He has not hit me, he just yells",
        "he has never once laid a hand on me",
        "I don't think he'd ever hit me, he's just loud",
        "I'm not suicidal, just tired",
        "I don't want to hurt myself",
        "Beni hiç dövmedi",
        "Ona asla zarar vermem",
        "Kendimi öldürmeyi düşünmüyorum",
        "intihar etmeyi düşünmüyorum",
    ],
)
def test_a_denied_harm_is_not_a_signal(text):
    assert found(text) == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "The dog beat me to the door this morning",
        "bu trafik beni öldürüyor",
        "I'm killing it at work",
        "I'm dying to see you",
        "he really pushes my buttons",
        "my toddler hits me when he's tired",
        "my sister said she'll kill me if I forget her birthday",
        "oğlum yorulunca bana vuruyor",
        "takımı kazanınca havaya yumruk attı",
    ],
)
def test_idioms_and_other_people_are_not_signals(text):
    assert found(text) == frozenset()


def test_a_partner_named_by_a_pronoun_is_still_a_partner():
    assert "threat" in found("he said he'll kill me if I leave")
    assert "violence" in found("the kids were asleep and he hit me")


def test_past_abuse_told_as_history_is_not_a_signal_unless_it_goes_on():
    assert found("my dad hit me when I was a kid but I've worked through it") == frozenset()
    assert found("çocukken babam beni döverdi") == frozenset()
    assert "violence" in found("he used to hit me and now he has started again")


def test_the_examples_of_the_issue_are_heard():
    expected = {
        "I'm scared he's going to kill me": "fear",
        "he said he would kill me if I leave him": "threat",
        "he pushed me against the wall last night": "violence",
        "he made me have sex when I said no": "sexual",
        "he checks my phone every night and won't let me see my friends": "control",
        "he takes my whole salary": "control",
        "kocamdan korkuyorum": "fear",
        "bıçakla beni tehdit etti": "threat",
        "I don't want to wake up tomorrow": "self_harm_passive",
        "I've been saving up my pills": "self_harm_passive",
    }
    for text, category in expected.items():
        assert category in found(text), text


def test_every_language_is_read_whatever_the_person_speaks():
    assert "self_harm" in found("I want to kill myself")
    assert "self_harm" in found("KENDİMİ ÖLDÜRECEĞİM")
    assert "self_harm" in found("kendimi oldurecegim")  # typed without Turkish letters


@pytest.mark.parametrize("path", sorted(SAFETY_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_each_list_loads_and_covers_every_category(path):
    language = load_language(path)
    categories = {p.category for p in language.phrases.phrases}
    assert categories == set(CATEGORIES)


def test_there_are_english_and_turkish_lists():
    assert {p.stem for p in SAFETY_DIR.glob("*.yaml")} >= {"en", "tr"}


def test_a_list_with_an_unknown_category_or_a_bare_yes_no_is_refused(tmp_path: Path):
    (tmp_path / "xx.yaml").write_text("categories:\n  gloom: [sad]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown category"):
        load_language(tmp_path / "xx.yaml")
    (tmp_path / "xx.yaml").write_text("negation:\n  before: [no]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="quote it"):
        load_language(tmp_path / "xx.yaml")


def _tries_per_thousand_chars(text: str) -> float:
    tried = 0
    real = phrases._match

    def counting(*args):
        nonlocal tried
        tried += 1
        return real(*args)

    with mock.patch.object(phrases, "_match", counting):
        default_detector().check(text)
    return tried / (len(text) / 1000)


@pytest.mark.parametrize(
    "unit",
    [
        "he hit me again and I want to die, nobody knows he beats me. ",
        "never never not dont would ever hurt me not ",
        "kocam beni dövüyor ve ondan korkuyorum, bu trafik beni öldürüyor. ",
    ],
)
def test_the_work_per_character_is_the_same_for_a_long_text(unit):
    """Linear time, counted rather than timed: 100,000 characters cost 100 times 1,000."""
    short, long = ((unit * (n // len(unit) + 1))[:n] for n in (1_000, 100_000))
    assert _tries_per_thousand_chars(long) <= 1.05 * _tries_per_thousand_chars(short)
    assert "self_harm" in found(long + ". I want to die")  # and it is read to the very end


def test_explain_names_the_phrase_and_the_language_behind_a_signal():
    """`Detector.explain` is what `python -m tests.safety.recognition` prints for a miss or a
    false alarm, for the people tuning the lists: it must name what really fired."""
    detector = default_detector()
    entries = detector.explain("he hits me")
    assert ("en", "violence", "^@act me") in entries
    by_model = [entry for entry in entries if entry[0] == "model"]
    assert [category for _, category, _ in by_model] == ["violence"]
    assert detector.model is not None
    assert float(by_model[0][2].removeprefix("p=")) > detector.model.threshold
    assert ("tr", "violence", "@benim ~3 ^@vurkok+o") in detector.explain("kocam beni dövüyor")
    lists_only = Detector(detector.languages)
    assert lists_only.explain("he hits me") == [("en", "violence", "^@act me")]
    heard_by_meaning = detector.explain("my ex seems to know every place i go")
    assert [c for part, c, _ in heard_by_meaning if part == "meaning"] == ["stalking"]


@pytest.mark.parametrize(
    "text",
    [
        "he hits me",
        "he would never hit me",
        "he used to hit me years ago",
        "he beat me at chess",
        "I am not going to kill myself",
        "kocam beni döverdi",
        "kendimi öldüreceğim ve kimse bilmiyor",
        "the weather is nice",
        # the classifier alone would hear these; the history excuse reaches it too
        "he choked me years ago",
        "yıllar önce kocam beni dövdü",
        # and the reader by meaning
        "years ago my ex seemed to know every place i went",
    ],
)
def test_explain_accounts_for_exactly_the_signals_found(text):
    detector = default_detector()
    assert {category for _, category, _ in detector.explain(text)} == detector.check(text)


def test_the_bot_hears_with_every_language_list_and_the_classifier():
    """As the bot loads it (`bot.safety.data.SIGNALS` from the data directory): each of
    these sentences is heard by one part alone, so none of the parts can go missing."""
    from bot.config import PROJECT_ROOT
    from bot.safety.data import SIGNALS

    detector = SIGNALS.load(PROJECT_ROOT / "data", ("en", "tr"))
    heard_by_one_part = {
        "i took a whole strip of sleeping pills": "self_harm",  # the English list
        "beni duvarlara çarpıyor": "violence",  # the Turkish list
        "he stamped on my foot": "violence",  # the classifier
    }
    for text, category in heard_by_one_part.items():
        assert detector.check(text) == {category}, text
    assert detector.check("the weather is nice, see you at dinner") == frozenset()


# -- two tiers: sure, and worth asking about ------------------------------------------------------

MAYBE = "i'm careful what i say around him or it gets bad"
"""Fear by meaning at 0.61, by no phrase and no word of harm (computed): a maybe."""


def test_a_text_between_the_ask_and_the_sure_threshold_is_possible_not_sure():
    reading = default_detector().read(MAYBE)
    assert reading == Reading(sure=frozenset(), possible=frozenset({"fear"}))
    assert found(MAYBE) == frozenset(), "check gives the sure tier only"


def test_a_sure_category_is_not_also_possible():
    reading = default_detector().read("he pushed me against the wall last night")
    assert reading.sure == found("he pushed me against the wall last night") == {"violence"}
    assert not reading.sure & reading.possible


def test_ordinary_talk_is_neither():
    assert default_detector().read("we had pasta and watched a film") == Reading()


def test_the_ask_threshold_is_the_line_for_possible():
    detector = default_detector()
    assert ASK_THRESHOLD == detector.ask_threshold == 0.5
    assert replace(detector, ask_threshold=0.7).read(MAYBE) == Reading(), "0.61 is below 0.7"


def test_both_tiers_come_from_one_reading_of_each_sentence(monkeypatch):
    """The encoder is the costly step (about 45 ms a sentence): each distinct sentence is
    embedded once for both thresholds."""
    encoder = meaning.encoder()
    if encoder is None:
        pytest.skip("the reader by meaning does not load on this machine")
    embedded: list[str] = []
    real = encoder.encode

    def counting(sentences: list[str]):
        embedded.extend(sentences)
        return real(sentences)

    monkeypatch.setattr(encoder, "encode", counting)
    default_detector().read(f"{MAYBE}. We had pasta. {MAYBE}")
    assert sorted(embedded) == sorted([MAYBE, "We had pasta"])


@pytest.mark.parametrize(
    "text",
    [
        "Don't think he'd ever hit me",  # violence 0.60 by the word classifier
        "kendimi öldürmeyi düşünmüyorum",  # self_harm 0.72 by meaning
        "I'm not going to kill myself",  # self_harm 0.66 by the word classifier
    ],
)
def test_a_harm_the_lists_find_denied_raises_no_question(text):
    """The readers score these between the two thresholds (computed); the lists read the
    denial, so no question is asked."""
    assert default_detector().read(text) == Reading()
