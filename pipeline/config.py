"""One immutable config, one section per stage, every default explained.

Why: stages toggle by config field, not by code branch, and thresholds are named
fields (house style point 7). The CLI builds a ``Config`` from its options.

>>> Config().correct_terms.apply_threshold
0.9
>>> try:
...     Config.model_validate({"correct_terms": {"suggest_threshold": 0.95}})
... except ValueError as exc:
...     print("must not be above apply_threshold" in str(exc))
True
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Config",
    "CorrectTermsConfig",
    "NormalizeConfig",
    "StripMarkersConfig",
]

Unit = Annotated[float, Field(ge=0.0, le=1.0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NormalizeConfig(_Section):
    enabled: bool = True
    #: ``&amp;`` and ``&#39;`` appear in real YouTube caption dumps (seed: ``Nieuws &amp; AI``).
    html_entities: bool = True
    #: ftfy repairs mojibake (``CafÃ©``) and applies NFC; captions pass through many tools.
    fix_encoding: bool = True
    #: NO-BREAK and zero-width spaces, runs of spaces, spaces before punctuation.
    whitespace: bool = True


class StripMarkersConfig(_Section):
    enabled: bool = True
    #: Also remove the music symbols (``♪``) listed in ``markers.yaml``.
    symbols: bool = True


class CorrectTermsConfig(_Section):
    enabled: bool = True
    #: Exact variants are what curators vetted; they are always on when the stage is.
    fuzzy: bool = True
    phonetic: bool = True
    #: Fold Dutch spellings of sounds (ij/ei, oe, g/ch, w/v, sch, th...) before the
    #: phonetic key, so "Entropic" and "Anthropic" sound alike (matching/phonetic.py).
    dutch_fold: bool = True
    #: At or above this confidence a fuzzy/phonetic match is applied. 0.90 keeps clean
    #: Dutch text unchanged (``make eval``: 0 changed sentences per 10,000 at 0.90).
    apply_threshold: Unit = 0.90
    #: Between this and ``apply_threshold`` a match is only reported as a suggestion.
    suggest_threshold: Unit = 0.80
    #: wordfreq Zipf frequency at or above which a word counts as ordinary in the
    #: transcript's language (3.0 = once per million words: cloud 3.8, open 5.5, meter 5.2,
    #: but slack 2.4 and sonnet 2.5 in Dutch). Ordinary words need a context guard.
    common_word_zipf: float = 3.0
    #: A fuzzy/phonetic match is only applied when its spelling alone is this close too:
    #: sound keys are coarse (chatbot ~ ChatGPT, Spiere ~ Zapier both score 0.9 by
    #: sound), and no dev-case misspelling had spelling < 0.75 (``make eval``).
    fuzzy_min_spelling: Unit = 0.75
    #: A single word at or above this Zipf frequency (transcript language or English) is
    #: a real word: fuzzy matches on it are only suggested. Real misrecognitions of names
    #: are mostly non-words (Entropick, Karpatie); real words near a name are mostly
    #: other words (mollig ~ Mollick, Blondeel ~ Blendle, copiloot ~ Copilot).
    known_word_zipf: float = 1.5
    #: Fuzzy candidates shorter than this many letters are not scored: short words are
    #: all close to each other (Grok ~ grof, Veo ~ veto) and would only add noise.
    min_fuzzy_letters: Annotated[int, Field(ge=2)] = 5

    @model_validator(mode="after")
    def _order(self) -> CorrectTermsConfig:
        if self.suggest_threshold > self.apply_threshold:
            raise ValueError(
                f"suggest_threshold ({self.suggest_threshold}) must not be above "
                f"apply_threshold ({self.apply_threshold})"
            )
        return self


class Config(_Section):
    """Everything a run needs besides the glossary and the files."""

    #: Language of the transcripts (ISO 639-1); decides which words count as ordinary.
    #: A caption file that declares its language (``Language: en``) overrides it.
    language: str = "nl"
    normalize: NormalizeConfig = NormalizeConfig()
    strip_markers: StripMarkersConfig = StripMarkersConfig()
    correct_terms: CorrectTermsConfig = CorrectTermsConfig()
