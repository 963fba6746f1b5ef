"""Made-up place names for synthetic lists, checked against every real name we know of."""

from __future__ import annotations

import random
from dataclasses import dataclass

import jieba

from ingest.registries import Registry

# Characters of landscape and plants: names built from them read as places but are not real ones.
FIRST = "青澄禾岚汀桐苇萝棠樾栖泠漪沅岫霁蘅芷杉楠枳荇蓼茗荻菖蒹葭芸蕖柘榆桤楸槐樟檀筠篁蕙兰苓蔚"
SECOND = "川溪岭湾屿浦坪垣堤渚埠塬坞峪泽陂沚墩冈坳屯甸涧滩岗洲畈垭梁源塘湄畔矶岙汊"
LEVELS = (("市", "地级市"), ("县", "县"), ("区", "市辖区"))
# Words an agency or a task might contain: a place name must not hold them.
AVOID = ("人社", "教育", "财政", "发改", "工信", "科技", "农业", "税务", "文旅", "市场", "民政")


@dataclass(frozen=True)
class Place:
    """A synthetic jurisdiction: 青禾市 (stem 青禾, level 地级市)."""

    stem: str
    suffix: str
    level: str

    @property
    def name(self) -> str:
        return self.stem + self.suffix


def known_words() -> set[str]:
    """Every word in jieba's dictionary (17,000 of them are real place names, tagged ns)."""
    with jieba.get_dict_file() as handle:
        return {line.decode("utf-8").split(" ", 1)[0] for line in handle}


def _collides(name: str, stem: str, words: set[str], real: list[str]) -> bool:
    if stem in words or name in words or any(a in name for a in AVOID):
        return True
    return any(r in name or name in r or stem in r for r in real)


def make_places(count: int, seed: int, registry: Registry) -> list[Place]:
    """`count` distinct made-up places whose names, and whose two-character stems, are no known word."""
    words = known_words()
    real = [*registry.places.names, *registry.places.institution_names, *registry.places.other]
    stems = [a + b for a in FIRST for b in SECOND if a != b]
    random.Random(seed).shuffle(stems)
    places: list[Place] = []
    for index, stem in enumerate(stems):
        suffix, level = LEVELS[index % len(LEVELS)]
        if not _collides(stem + suffix, stem, words, real):
            places.append(Place(stem, suffix, level))
        if len(places) == count:
            return places
    raise ValueError(f"only {len(places)} made-up place names are free; {count} were asked for")
