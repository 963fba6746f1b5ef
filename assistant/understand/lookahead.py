"""lark's Earley parser, predicting only the rules that can still match what is left of the stretch.

The grammar reads a stretch as a sequence of constructs, so at each position Earley predicts every construct's
rule, and a stretch of a shape not met before took 14–19 ms at the median, most of a cold question. The whole
sequence of terminals is known before parsing (the grammar parses shapes, see shapes.py), so a rule is predicted at
position i only when it can match from there: it derives the empty string or starts with the terminal at i, it
needs no terminal missing from positions i and after, and it is no longer than what is left. A rule dropped this
way could never be completed, so the parse forest holds the same derivations as plain Earley's. Where two of them
tie on every rank lark knows (priority, rule order), lark takes the one it met first, and with fewer predictions
the order of meeting can differ: a parse whose chosen derivation passes such a tie is parsed again the plain way
(a fifth of the shapes met so far), so every tree is the one plain Earley builds (tests/test_lookahead.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from lark import Lark, Token, Tree
from lark.grammar import NonTerminal, Rule, Symbol
from lark.parsers import earley
from lark.parsers.earley_forest import ForestToParseTree

_KEEP = 512  # filtered predictions kept, by (next terminal, terminals left, tokens left)


class _Rules:
    """What a rule needs: the terminals it can start with, whether it can be empty, the terminals every match of
    it holds, and its shortest match."""

    def __init__(self, parser: earley.Parser) -> None:
        rules: list[Rule] = parser.parser_conf.rules
        by_origin: dict[Symbol, list[Rule]] = {}
        for rule in rules:
            by_origin.setdefault(rule.origin, []).append(rule)
        every = frozenset(s.name for r in rules for s in r.expansion if s.is_term)
        self.needs: dict[Symbol, frozenset[str]] = dict.fromkeys(by_origin, every)
        self.shortest: dict[Symbol, int] = dict.fromkeys(by_origin, 1 << 20)
        changed = True
        while changed:  # a fixpoint from above: the terminals every rule of a symbol needs, its shortest rule
            changed = False
            for origin, alternatives in by_origin.items():
                needs = frozenset.intersection(*(self._needs(r) for r in alternatives))
                shortest = min(self._shortest(r) for r in alternatives)
                if (needs, shortest) != (self.needs[origin], self.shortest[origin]):
                    self.needs[origin], self.shortest[origin], changed = needs, shortest, True
        self.first = {r: self._first(parser, r) for r in rules}
        self.rule_needs = {r: self._needs(r) for r in rules}
        self.rule_shortest = {r: self._shortest(r) for r in rules}

    def _needs(self, rule: Rule) -> frozenset[str]:
        out: set[str] = set()
        for sym in rule.expansion:
            out |= {sym.name} if sym.is_term else self.needs.get(sym, frozenset())
        return frozenset(out)

    def _shortest(self, rule: Rule) -> int:
        return sum(1 if sym.is_term else self.shortest.get(sym, 0) for sym in rule.expansion)

    @staticmethod
    def _first(parser: earley.Parser, rule: Rule) -> tuple[frozenset[str], bool]:
        """The terminals the rule can start with, and whether it can match nothing."""
        out: set[str] = set()
        for sym in rule.expansion:
            if sym.is_term:
                return frozenset(out | {sym.name}), False
            out |= {t.name for t in parser.FIRST[sym]}
            if sym not in parser.NULLABLE:
                return frozenset(out), False
        return frozenset(out), True

    def fits(self, rule: Rule, rest: tuple[str, ...], left: frozenset[str]) -> bool:
        first, empty = self.first[rule]
        return empty or bool(rest) and rest[0] in first and self.rule_needs[rule] <= left \
            and self.rule_shortest[rule] <= len(rest)


class _Predictions(dict[NonTerminal, list[Rule]]):
    """The rules predicted for each symbol at one position, filtered when first asked."""

    def __init__(self, every: dict[NonTerminal, list[Rule]], rules: _Rules, rest: tuple[str, ...]) -> None:
        super().__init__()
        self.every, self.rules, self.rest, self.left = every, rules, rest, frozenset(rest)

    def __missing__(self, symbol: NonTerminal) -> list[Rule]:
        kept = [r for r in self.every[symbol] if self.rules.fits(r, self.rest, self.left)]
        self[symbol] = kept
        return kept


class _Parser(earley.Parser):  # type: ignore[misc]
    """Earley with the predictions of each position filtered by the terminals from there on."""

    def __init__(self, plain: earley.Parser) -> None:
        super().__init__(plain.lexer_conf, plain.parser_conf, plain.term_matcher,
                         resolve_ambiguity=plain.resolve_ambiguity, debug=plain.debug, tree_class=plain.Tree)
        self.every = self.predictions
        self.rules = _Rules(self)
        self.shape: tuple[str, ...] = ()
        self.ahead = True  # predict ahead; False: every rule, as plain Earley does
        self.kept: OrderedDict[tuple[str, ...], _Predictions] = OrderedDict()

    def _at(self, i: int) -> dict[NonTerminal, list[Rule]]:
        if not self.ahead:
            return self.every
        rest = self.shape[i:]
        key = (*rest[:1], str(len(rest)), *sorted(set(rest)))  # what the filter reads
        found = self.kept.get(key)
        if found is None:
            found = self.kept[key] = _Predictions(self.every, self.rules, rest)
            if len(self.kept) > _KEEP:
                self.kept.popitem(last=False)
        return found

    def predict_and_complete(self, i: int, to_scan: Any, columns: Any, transitives: Any, node_cache: Any) -> Any:
        self.predictions = self._at(i)
        return super().predict_and_complete(i, to_scan, columns, transitives, node_cache)

    def parse(self, lexer: Any, start: Any) -> Any:
        """The tree chosen from the forest, or None when predicting ahead and the choice passed a tie."""
        self.predictions = self._at(0)
        tree_class, self.Tree = self.Tree, None  # the forest, then the tree chosen from it here
        try:
            forest = super().parse(lexer, start)
        finally:
            self.Tree = tree_class
        chooser = _Chooser(self.Tree, self.callbacks, self.forest_sum_visitor and self.forest_sum_visitor(),
                           self.resolve_ambiguity, not self.resolve_ambiguity)
        tree = chooser.transform(forest)
        return None if chooser.tied and self.ahead else tree


class _Chooser(ForestToParseTree):  # type: ignore[misc]
    """lark's choice of a tree from the forest, noting whether it passed two derivations that tie on every rank."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.tied = False

    def visit_symbol_node_in(self, node: Any) -> Any:
        ranked = super().visit_symbol_node_in(node)
        if ranked is not None and len(ranked) > 1 and ranked[0].sort_key == ranked[1].sort_key:
            self.tied = True
        return ranked


class ShapeParser:
    """Parses a sequence of terminals with a grammar's Earley parser, predicting ahead as above."""

    def __init__(self, lark: Lark) -> None:
        self.lark = lark
        self._parser = _Parser(lark.parser.parser)
        lark.parser.parser = self._parser
        self._lock = threading.Lock()  # the parser holds the shape being parsed

    def parse(self, shape: tuple[str, ...]) -> Tree:
        with self._lock:
            self._parser.shape = shape
            tree = self.lark.parse([Token(t, "") for t in shape])  # type: ignore[arg-type]
            if tree is None:  # a tie on the way: the order plain Earley meets derivations in decides
                self._parser.ahead = False
                try:
                    tree = self.lark.parse([Token(t, "") for t in shape])  # type: ignore[arg-type]
                finally:
                    self._parser.ahead = True
            return tree
