"""Find the held-out items that code, tests or data were shaped by: `python -m evals.touched [--move]`.

An item of evals/heldout.jsonl or evals/heldout_touched.jsonl counts as touched when
- its id is one of the 26 whose failures were read (README, "Which held-out items were looked at"), or is
  named in a file of the repository, now or in any commit since the set was added (the held-out files aside);
- one of its questions is where a piece of text of tests/, assistant/, ingest/, prompts/, ui/ or
  evals/name_variants.jsonl was copied from. Folded (NFKC, simplified, lower case, no punctuation or space), the
  two share a run of at least 6 characters (4 words for an English question) that is neither in the four lists
  (a question may quote a row) nor anywhere in the repository before the set was added (that text was not
  copied from it), and no question of any set shares a longer such run with the piece: a piece is copied from
  its closest question, and a question of a tuned set (evals/sets.toml) that is closer clears the held-out ones;
- one of its distinctive names, its unknown name (a name no list has) or a name its note quotes (the name
  variant it tests), appears in that text and nowhere in the lists or the repository before the set.
Text is read as it is now and as every commit since the set was added wrote it: an item tuned on stays tuned on
after its wording is taken out again. A piece of text is a line, cut where code syntax (quotes, brackets, #, =)
separates two strings. tests/fixtures/ is left out: it holds lists, not questions.

It prints each touched item with its evidence. `--move` moves the touched items of heldout.jsonl to
heldout_touched.jsonl (same format, ordered by id) and keeps the others in heldout.jsonl.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ingest.registries import Registry

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "evals" / "heldout.jsonl"
TOUCHED = ROOT / "evals" / "heldout_touched.jsonl"
SCANNED = ("tests", ":!tests/fixtures", "assistant", "ingest", "prompts", "ui", "evals/name_variants.jsonl")
HELD_OUT_FILES = ("evals/heldout.jsonl", "evals/heldout_touched.jsonl")
MIN_CHARS = 6
MIN_WORDS = 4
DISCLOSED = ("h-039", "h-048", "h-040", "h-047", "h-043", "h-046", "h-054", "h-061", "h-068", "h-069", "h-070",
             "h-072", "h-124", "h-126", "h-128", "h-108", "h-109", "h-111", "h-112", "h-114", "h-115", "h-118",
             "h-132", "h-139", "h-166",
             "h-010")  # h-010 read 2026-12-06 (a regression: 三家 read as "only")
ITEM_ID = re.compile(r"\bh-\d{3}\b")
SYNTAX = re.compile(r"[\n\"'`#=\[\](){}|]")
CJK = re.compile(r"[\u3400-\u9fff]")
QUOTED = re.compile(r"“([^”]{2,12})”")

Units = tuple[str, ...]


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def first_commit() -> str:
    """The commit that added the held-out set."""
    return git("log", "--diff-filter=A", "--format=%H", "--", "evals/heldout.jsonl").split()[-1]


def current_files(paths: tuple[str, ...]) -> dict[str, str]:
    """The tracked text files under `paths`, as the working tree has them."""
    files = {}
    for name in filter(None, git("ls-files", "--", *paths).split("\n")):
        if (ROOT / name).is_file():
            files[name] = (ROOT / name).read_bytes().decode("utf-8", "ignore")
    return files


def added_lines(since: str, paths: tuple[str, ...]) -> dict[str, str]:
    """Per file, every line that a commit from `since` (inclusive) to HEAD added under `paths`."""
    diff = git("log", "-p", "--format=", "--no-color", "--unified=0", f"{since}^..HEAD", "--", *paths)
    added: dict[str, list[str]] = defaultdict(list)
    name = ""
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[6:] if line.startswith("+++ b/") else ""
        elif line.startswith("+") and name:
            added[name].append(line[1:])
    return {name: "\n".join(lines) for name, lines in added.items()}


def tree_text(commit: str) -> str:
    """The text files of the repository at `commit`, one after the other."""
    parts = []
    for path in filter(None, git("ls-tree", "-r", "--name-only", commit).split("\n")):
        blob = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"], capture_output=True)
        parts.append(blob.stdout.decode("utf-8", "ignore"))
    return "\n".join(parts)


class Folder:
    """Fold text as the question reader does, into characters (punctuation and space dropped) or words."""

    def __init__(self) -> None:
        self.normalize = Registry.load().normalize

    def chars(self, text: str) -> str:
        folded = self.normalize.keep_spaces(text).lower()
        return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PSZC")

    def words(self, text: str) -> Units:
        return tuple(re.findall(r"[a-z0-9]+", self.normalize.keep_spaces(text).lower()))

    def units(self, text: str, english: bool) -> Units:
        return self.words(text) if english else tuple(self.chars(text))


@dataclass(frozen=True)
class Question:
    item: str  # empty for a question of a tuned set
    units: Units
    english: bool

    @property
    def least(self) -> int:
        return MIN_WORDS if self.english else MIN_CHARS


@dataclass(frozen=True)
class Sources:
    """The text that may have been copied (piece -> file), what explains a shared run, and the ids named."""

    pieces: dict[str, str]
    older_chars: str
    older_words: str
    mentioned: set[str]

    @classmethod
    def load(cls, fold: Folder) -> Sources:
        first = first_commit()
        pieces: dict[str, str] = {}
        for files in (current_files(SCANNED), added_lines(first, SCANNED)):
            for name, text in files.items():
                for piece in SYNTAX.split(text):
                    pieces.setdefault(piece, name)
        older = SYNTAX.split(tree_text(f"{first}^") + "\n" + "\n".join(current_files(("data/lists",)).values()))
        everything = (".", *(f":!{path}" for path in HELD_OUT_FILES))
        named = [*current_files(everything).values(), *added_lines(first, everything).values()]
        return cls(pieces, "\x00".join(fold.chars(p) for p in older),
                   "\x00".join(" " + " ".join(fold.words(p)) + " " for p in older),
                   set(ITEM_ID.findall("\n".join(named))))

    def older(self, run: Units, english: bool) -> bool:
        """Whether a run is in the lists or in the repository before the set: not a copy of the set."""
        return " " + " ".join(run) + " " in self.older_words if english else "".join(run) in self.older_chars


def shared_runs(question: Units, piece: Units, least: int) -> list[Units]:
    """The maximal runs of at least `least` units that both sequences contain."""
    runs, previous = [], [0] * (len(piece) + 1)
    for i in range(1, len(question) + 1):
        current = [0] * (len(piece) + 1)
        for j in range(1, len(piece) + 1):
            if question[i - 1] == piece[j - 1]:
                current[j] = previous[j - 1] + 1
                longer = i < len(question) and j < len(piece) and question[i] == piece[j]
                if current[j] >= least and not longer:
                    runs.append(question[i - current[j]:i])
        previous = current
    return runs


def tuned_questions() -> list[str]:
    """The questions and phrasings of the sets evals/sets.toml calls tuned (the held-out files aside)."""
    sets = tomllib.loads((ROOT / "evals" / "sets.toml").read_text("utf-8"))["set"]
    paths = [ROOT / "evals" / s["path"] for s in sets if s["tuned"] and f"evals/{s['path']}" not in HELD_OUT_FILES]
    found: list[str] = []
    for item in (item for path in paths for item in read_items(path)):
        for turn in item.get("turns", [item]):
            found += [turn["question"]] if "question" in turn else []
        found += item.get("phrasings", [])
    return found


def copied_wording(questions: list[Question], sources: Sources, fold: Folder) -> dict[str, list[str]]:
    """Per item, the runs of its questions that a piece of text copied (the piece's closest question)."""
    grams: dict[Units, set[int]] = defaultdict(set)
    for n, q in enumerate(questions):
        for start in range(len(q.units) - q.least + 1):
            grams[q.units[start:start + q.least]].add(n)
    found: dict[str, list[str]] = defaultdict(list)
    for text, name in sources.pieces.items():
        best: list[tuple[int, Units]] = []
        for english in (False, True):
            units = fold.units(text, english)
            least = MIN_WORDS if english else MIN_CHARS
            near = {n for start in range(len(units) - least + 1) for n in grams.get(units[start:start + least], ())}
            for n in near:
                runs = [r for r in shared_runs(questions[n].units, units, least)
                        if not questions[n].item or not sources.older(r, english)]
                best += [(n, run) for run in runs]
        longest = max((len("".join(run)) for _, run in best), default=0)
        for n, run in best:
            if len("".join(run)) == longest and questions[n].item:
                joined = (" " if questions[n].english else "").join(run)
                found[questions[n].item].append(f"wording “{joined}” ({name})")
    return found


def distinctive_names(item: dict, sources: Sources, fold: Folder) -> list[str]:
    """The item's distinctive names (its unknown names, the names its note quotes) that the scanned text has
    and the older text does not."""
    names = [turn["unknown"] for turn in item["turns"] if turn.get("unknown")]
    names += QUOTED.findall(item.get("note", ""))
    found = []
    for name in dict.fromkeys(names):
        folded = fold.chars(name)
        where = next((f for text, f in sources.pieces.items() if folded in fold.chars(text)), None)
        if where and not sources.older((folded,), english=False):
            found.append(f"name “{name}” ({where})")
    return found


def find_touched(items: list[dict]) -> dict[str, list[str]]:
    """Each touched item's id and its evidence."""
    fold = Folder()
    sources = Sources.load(fold)
    asked = [(item["id"], turn["question"]) for item in items for turn in item["turns"]]
    asked += [("", question) for question in tuned_questions()]
    questions = [Question(item, fold.units(text, english), english)
                 for item, text in asked for english in [not CJK.search(text)]]
    wording = copied_wording(questions, sources, fold)
    touched = {}
    moved = {item["id"] for item in read_items(TOUCHED)}
    for item in items:
        why = ["failures read (README)"] if item["id"] in DISCLOSED else []
        why += ["id named in the repository"] if item["id"] in sources.mentioned - set(DISCLOSED) else []
        why += sorted(set(wording.get(item["id"], []))) + distinctive_names(item, sources, fold)
        if not why and item["id"] in moved:  # a tuned question written later may now be closer: tuned stays tuned
            why = ["moved to heldout_touched.jsonl earlier"]
        if why:
            touched[item["id"]] = why
    return touched


def read_items(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def write_items(path: Path, items: list[dict]) -> None:
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--move", action="store_true", help="move the touched items of heldout.jsonl to "
                                                            "heldout_touched.jsonl")
    args = parser.parse_args()
    heldout, moved = read_items(HELDOUT), read_items(TOUCHED)
    touched = find_touched(heldout + moved)
    for item_id, why in sorted(touched.items()):
        say(f"{item_id}  " + "; ".join(why))
    left = [item for item in heldout if item["id"] in touched]
    say(f"touched: {len(touched)} items ({len(left)} in {HELDOUT.name}, {len(moved)} in {TOUCHED.name})")
    say("ids: " + " ".join(sorted(touched)))
    if args.move and left:
        write_items(TOUCHED, sorted(moved + left, key=lambda item: item["id"]))
        write_items(HELDOUT, [item for item in heldout if item["id"] not in touched])
        say(f"moved {len(left)} items to {TOUCHED.name}; {len(heldout) - len(left)} stay in {HELDOUT.name}")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
