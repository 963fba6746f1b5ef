"""The grammar's Earley parser predicting ahead (assistant/understand/lookahead.py) builds the same trees as lark's
plain Earley parser: on the stretches of questions written from plans, on random sequences of terminals, and where
two readings tie on every rank lark knows (the parse is then done again the plain way)."""

from __future__ import annotations

import random

import pytest
from lark import Lark, Token, Tree
from lark.exceptions import LarkError

from assistant.core import Assistant
from assistant.understand.grammar import GRAMMAR_FILE, Grammar, _Tokens
from assistant.understand.lookahead import ShapeParser
from evals.roundtrip import generate


def _plain() -> Lark:
    return Lark(GRAMMAR_FILE.read_text("utf-8"), parser="earley", lexer=_Tokens, ambiguity="resolve")


def _read(parse: object, shape: tuple[str, ...]) -> Tree | str:
    try:
        return parse(shape)  # type: ignore[operator, no-any-return]
    except LarkError as err:
        return type(err).__name__


class _Recording(Grammar):
    """A grammar that keeps the shapes of the stretches it is asked to parse."""

    def __init__(self, grammar: Grammar) -> None:
        super().__init__(grammar.lexicon)
        self.met: list[tuple[str, ...]] = []

    def _shape(self, types: tuple[str, ...]) -> Tree:
        self.met.append(types)
        return super()._shape(types)


@pytest.fixture(scope="module")
def parsers() -> tuple[Lark, ShapeParser]:
    return _plain(), ShapeParser(_plain())


def test_the_stretches_of_generated_questions_parse_alike(assistant: Assistant,
                                                          parsers: tuple[Lark, ShapeParser]) -> None:
    plain, ahead = parsers
    recording = _Recording(assistant.engine.grammar)
    for generated in generate(600, seed=7):
        recording.fragments(assistant.engine.parser.fold(generated.question))
    shapes = list(dict.fromkeys(recording.met))
    assert len(shapes) >= 100 and max(map(len, shapes)) >= 6
    for shape in shapes:
        assert _read(ahead.parse, shape) == _read(lambda s: plain.parse([Token(t, "") for t in s]), shape), shape


def test_random_sequences_of_terminals_parse_alike(parsers: tuple[Lark, ShapeParser]) -> None:
    plain, ahead = parsers
    terminals = sorted({s.name for r in plain.rules for s in r.expansion if s.is_term})
    rng = random.Random(20261207)
    shapes = [tuple(rng.choice(terminals) for _ in range(rng.randint(0, 9))) for _ in range(500)]
    shapes.append(("PLACE", "ROLE", "DE", "ONLY_PRE", "AGENCY", "EX_POST"))  # a tie: only X, or X as an example
    for shape in shapes:
        assert _read(ahead.parse, shape) == _read(lambda s: plain.parse([Token(t, "") for t in s]), shape), shape
    unknown = ("AGENCY", "NO_SUCH_TERMINAL")
    assert _read(ahead.parse, unknown) == _read(lambda s: plain.parse([Token(t, "") for t in s]), unknown) \
        == "UnexpectedToken"  # a shape no reading covers fails in both
