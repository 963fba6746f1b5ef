"""Write evals/lineage_questions.jsonl from the labelled links (evals/links.jsonl), not from the code's links.

`python -m evals.make_lineage_questions`: for a fixed sample of rows, the four lineage questions (a local row's
parents, a parent row's local rows, what a local list leaves out, what both cities carry out), in Chinese and
English, with gold row ids taken from the labels: each answer must cite both rows of every labelled link.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from evals.lineage import load_gold

HERE = Path(__file__).resolve().parent
CITY = {"yingkou": ("营口", "Yingkou"), "wafangdian": ("瓦房店", "Wafangdian")}
PARENT_ROWS = 54


def main() -> None:
    gold = load_gold()
    strong = {k for k, v in gold.items() if v == "strong"}
    items: list[dict] = []

    def add(question: str, rows: list[str], lang: str = "zh") -> None:
        items.append({"id": f"lin-{len(items) + 1:02d}", "intent": "list", "question": question,
                      "gold": sorted(set(rows)), "expected": [], "lang": lang,
                      "note": "gold from evals/links.jsonl (strong and weak links)"})

    children = sorted({c for c, _ in gold}, key=lambda c: (c.split("#")[0], int(c.split("#")[1])))
    for child in children[::6]:  # every sixth labelled local row
        doc, number = child.split("#")
        parents = [p for c, p in gold if c == child]
        add(f"{CITY[doc][0]}第{number}项落实的是省里哪项任务？", [child, *parents])
    for child in children[3::12]:
        doc, number = child.split("#")
        add(f"Which provincial task does {CITY[doc][1]} item {number} carry out?",
            [child, *(p for c, p in gold if c == child)], "en")
    parents = sorted({p for _, p in gold}, key=lambda p: int(p.split("#")[1]))
    for parent in parents[::5]:
        number = parent.split("#")[1]
        add(f"辽宁第{number}项任务在营口和瓦房店由谁落实？", [parent, *(c for c, p in gold if p == parent)])
    for doc, (zh, en) in CITY.items():
        covered = {p for c, p in strong if c.startswith(f"{doc}#")}
        left = [f"liaoning#{n}" for n in range(1, PARENT_ROWS + 1) if f"liaoning#{n}" not in covered]
        add(f"{zh}清单没有覆盖省里哪些任务？", left)
        add(f"Which Liaoning tasks does the {en} list not cover?", left, "en")
    both = [p for p in parents if all(any(c.startswith(f"{d}#") and q == p for c, q in gold) for d in CITY)]
    links = [c for c, p in gold if p in both]
    add("营口和瓦房店都落实了的省级任务有哪些？", both + links)
    add("Which Liaoning tasks do both Yingkou and Wafangdian carry out?", both + links, "en")
    text = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items)
    (HERE / "lineage_questions.jsonl").write_text(text, "utf-8")
    sys.stdout.write(f"{len(items)} questions written to evals/lineage_questions.jsonl\n")


if __name__ == "__main__":
    main()
