"""Words typed with another character of the same pinyin (明师 for 名师, 职教 for 职校 is no typo): a two-character
span that no row holds and no dictionary knows, one character away from a word the rows write and the dictionary
knows, read as that word. Names are corrected apart (lexicon.py); this reads the lists' other words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from pypinyin import Style, pinyin

_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    """Every toneless pinyin reading of one character (heteronyms included)."""
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


class SoundAlikes:
    """The rows' characters by sound, to find the word a span was meant to be."""

    def __init__(self, chars: Iterable[str], in_corpus: Callable[[str], bool], is_word: Callable[[str], bool]) -> None:
        self.in_corpus = in_corpus
        self.is_word = is_word
        self.by_sound: dict[str, set[str]] = {}
        for char in set(chars):
            if _CJK.match(char):
                for sound in readings(char):
                    self.by_sound.setdefault(sound, set()).add(char)

    def correct(self, folded: str, covered: list[bool]) -> list[tuple[int, str, str]]:
        """(start, typed, meant) for each two-character span outside `covered` that reads as one word of the rows."""
        found: list[tuple[int, str, str]] = []
        i = 0
        while i < len(folded) - 1:
            span = folded[i:i + 2]
            meant = None if any(covered[i:i + 2]) or self._straddles(folded, i) else self._meant(span)
            if meant is None:
                i += 1
                continue
            found.append((i, span, meant))
            i += 2
        return found

    def _straddles(self, folded: str, i: int) -> bool:
        """院校拨了: a span whose first character ends a word before it, or whose second starts one after it, is
        the edge of two words, not one word typed wrong."""
        return i > 0 and self.is_word(folded[i - 1:i + 1]) or i + 3 <= len(folded) and self.is_word(folded[i + 1:i + 3])

    def _meant(self, span: str) -> str | None:
        if not all(_CJK.match(c) for c in span) or self.is_word(span) or self.in_corpus(span):
            return None  # a word, or what a row says: no typo
        candidates = {span[:k] + char + span[k + 1:] for k in range(2) for sound in readings(span[k])
                      for char in self.by_sound.get(sound, ()) if char != span[k]}
        meant = [c for c in candidates if self.is_word(c) and self.in_corpus(c)]
        return meant[0] if len(meant) == 1 else None  # two words it could be: no guess
