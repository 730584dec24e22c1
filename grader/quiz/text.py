"""Text given per language, and the rule for choosing one.

Any text field of a quiz is either one plain string -- the same in every language, right for code such as
``compile()`` or for numbers -- or a mapping from language code to string::

    prompt:
      en: Which activation does a binary classifier's output layer use?
      ko: 이진 분류 모델의 출력층에는 어떤 활성화 함수를 쓰나요?

Fallback rule (`pick`): the requested language if the field has it; otherwise the quiz's first listed language;
otherwise English; otherwise whichever language the field has. Validation reports every missing translation for the
languages a quiz declares, so the fallback only shows when a student asks for a language the quiz does not offer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

# A language code -> text mapping; the key "*" holds a plain string that serves every language.
Text = Mapping[str, str]

LANGUAGES = ("en", "ko")
ANY = "*"


def plain(text: str) -> dict[str, str]:
    """A language-neutral text."""
    return {ANY: text}


def pick(text: Text | None, lang: str, fallback: Sequence[str] = ()) -> str:
    """The string to show for `lang` (see the module docstring for the fallback order)."""
    if not text:
        return ""
    for candidate in (lang, ANY, *fallback, "en"):
        if candidate in text:
            return text[candidate]
    return next(iter(text.values()))


def map_text(text: Text, change: Callable[[str], str]) -> dict[str, str]:
    """Apply `change` (str -> str) to every language of `text`."""
    return {lang: change(value) for lang, value in text.items()}
