"""Chinese tokenization with jieba and a user dictionary built from the registries and the lists' terms."""

from __future__ import annotations

import marshal
import re
import tempfile
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jieba

from ingest.registries import Registry

if TYPE_CHECKING:
    import jieba.posseg

COMMON_WORD = 20  # jieba's count of a word below which a same-sound name is the likelier reading
_WORD = re.compile(r"[0-9a-z][0-9a-z.+%:]*|[\u3400-\u9fff]+")


def _pos_tokenizer(tokenizer: jieba.Tokenizer) -> jieba.posseg.POSTokenizer:
    """A POS tokenizer over our jieba Tokenizer that copies jieba's tag table, loaded once at import.

    POSTokenizer() would read dict.txt again for the tags (a quarter of a second). Importing jieba.posseg
    reads it once (about half a second), so that waits for the first question with a topic.
    """
    import jieba.posseg

    pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer = tokenizer
    pos.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)
    return pos


@lru_cache(maxsize=2)
def _main_dictionary(cache_dir: str | None) -> tuple[dict[str, int], int]:
    """jieba's main dictionary (word frequencies and their total), read once per process: a server builds a
    tokenizer at each switch of the index build (its own words added to a copy).

    The cache jieba writes is read whole, then unmarshalled: 0.15 s, where jieba's own marshal.load on the open
    file takes 0.6 s. A cache that is missing or does not read is left to jieba, which writes it again."""
    try:
        freq, total = marshal.loads((Path(cache_dir or tempfile.gettempdir()) / "jieba.cache").read_bytes())
        if isinstance(freq, dict) and isinstance(total, int):
            return freq, total
    except Exception:  # missing or garbage: jieba reads the dictionary and writes the cache again
        pass
    loader = jieba.Tokenizer()
    loader.tmp_dir = cache_dir
    loader.initialize()
    return loader.FREQ, loader.total


class Tokenizer:
    """Tokens for BM25 and for reading a question: folded text, jieba words, no stopwords."""

    def __init__(self, registry: Registry, extra_words: list[str], cache_dir: Path | None = None) -> None:
        self.normalize = registry.normalize
        self._jieba = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._jieba.tmp_dir = str(cache_dir)
        jieba.setLogLevel(60)
        freq, total = _main_dictionary(self._jieba.tmp_dir)
        self._jieba.FREQ, self._jieba.total, self._jieba.initialized = dict(freq), total, True
        self._jieba.load_userdict(str(registry.terms_path))
        for word in extra_words:
            if len(word) > 1:
                self._jieba.add_word(word, freq=2000)
        stop_path = registry.terms_path.parent / "stopwords.txt"
        self.stopwords = {line.strip() for line in stop_path.read_text("utf-8").splitlines()
                          if line.strip() and not line.startswith("#")}

    @cached_property
    def _pos(self) -> jieba.posseg.POSTokenizer:
        return _pos_tokenizer(self._jieba)

    def words(self, text: str) -> list[str]:
        """All jieba words of the folded text, lower-cased, punctuation dropped."""
        folded = self.normalize.keep_spaces(text).lower()
        return [w for w in self._jieba.lcut(folded) if _WORD.fullmatch(w.strip())]

    def tokens(self, text: str) -> list[str]:
        """Index tokens: words without stopwords, plus character bigrams of longer Chinese words."""
        out: list[str] = []
        for word in self.words(text):
            if word in self.stopwords:
                continue
            out.append(word)
            if len(word) > 2 and "\u3400" <= word[0] <= "\u9fff":
                out.extend(word[i:i + 2] for i in range(len(word) - 1))
        return out

    def nouns(self, text: str) -> list[str]:
        """Chinese nouns of a question (jieba POS n*), the words a topic stands on."""
        folded = self.normalize.keep_spaces(text).lower()
        return [p.word for p in self._pos.lcut(folded)
                if p.flag.startswith("n") and len(p.word) > 1 and p.word not in self.stopwords
                and "\u3400" <= p.word[0] <= "\u9fff"]

    def is_word(self, word: str) -> bool:
        """Whether jieba's dictionary (with ours) holds the word."""
        return self._count(word) > 0

    def is_common_word(self, word: str) -> bool:
        """Whether jieba's dictionary counts the word often enough (COMMON_WORD times) to have been typed on
        purpose: 上午 (3,088) is meant, 千头 (7, of 千头万绪) is 牵头 typed with another qian."""
        return self._count(word) >= COMMON_WORD

    def _count(self, word: str) -> int:
        self._jieba.check_initialized()
        return int(self._jieba.FREQ.get(word, 0))

    def content_words(self, text: str) -> list[str]:
        """Topic words of a question: no stopwords, no single characters."""
        return [w for w in self.words(text) if w not in self.stopwords and len(w) > 1]
