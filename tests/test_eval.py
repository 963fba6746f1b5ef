"""The eval runner: its metrics catch a wrong answer, and its command fails below a threshold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.core import Assistant
from assistant.settings import Settings
from evals.metrics import score_answer
from evals.runner import check_thresholds, run_eval
from evals.touched import HELDOUT, TOUCHED, find_touched, read_items


def test_scores_penalize_missed_and_extra_rows() -> None:
    score = score_answer("x", "list", ["a#1", "a#2"], [], "text", ["a#1", "b#9"], abstained=False)
    assert score.recall == 0.5 and score.precision == 0.5
    assert "missed a#2" in score.problems and "extra b#9" in score.problems
    fact = score_answer("y", "fact", ["a#3"], ["1:350"], "no figure here", ["a#9", "a#8", "a#3"], False)
    assert fact.hit5 == 1.0 and abs(fact.rr - 1 / 3) < 1e-9 and fact.expected == 0.0
    refused = score_answer("z", "list", ["a#1"], [], "sorry", [], abstained=True)
    assert not refused.abstention_ok and refused.recall == 0.0


def test_run_eval_and_thresholds(assistant: Assistant) -> None:
    items = [
        {"id": "l1", "intent": "list", "question": "环翠区税务局负责哪些任务？", "gold": ["huancui#3", "huancui#7", "huancui#13"],
         "expected": []},
        {"id": "o1", "intent": "out_of_scope", "question": "北京市有哪些任务？", "gold": [], "expected": []},
        {"id": "c1", "intent": "followup", "turns": [
            {"question": "环翠区税务局负责哪些任务？", "intent": "list", "gold": ["huancui#3", "huancui#7", "huancui#13"],
             "expected": []},
            {"question": "其中哪项涉及增值税？", "intent": "fact", "gold": ["huancui#7"], "expected": ["增值税"]}]},
    ]
    report = run_eval(assistant, items)
    summary = {s.intent: s for s in report.summaries}
    assert summary["list"].recall == 1.0 and summary["out_of_scope"].abstention == 1.0
    assert summary["followup"].followup == 1.0
    assert check_thresholds(report, {"list": {"recall": 0.98}}) == []
    assert check_thresholds(report, {"count": {"recall": 0.5}}) == ["count: no questions of this intent in the set"]


def test_eval_command_exits_non_zero_below_a_threshold(indexed_settings: Settings, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "f1", "intent": "fact", "question": "瓦房店培训目标是多少？",
                                     "gold": ["wafangdian#28"], "expected": ["这串字不在任何答案里"]},
                                    ensure_ascii=False) + "\n", "utf-8")
    thresholds = tmp_path / "t.toml"
    thresholds.write_text("[fact]\nexpected = 0.95\nhit5 = 0.9\n", "utf-8")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(indexed_settings.data_dir)}
    result = subprocess.run([sys.executable, "-m", "ui.cli", "eval", "--set", str(questions),
                             "--thresholds", str(thresholds)], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "below threshold: q: fact expected 0.0 < 0.95" in result.stderr
    assert "hit5" not in result.stderr  # the row itself was found


def test_the_held_out_items_that_shaped_the_code_are_set_apart() -> None:
    """A held-out question copied into tests, code, cues or name data (or its id named) is tuned on: it belongs in
    heldout_touched.jsonl (`python -m evals.touched --move`), and every item there was found so."""
    touched = find_touched(read_items(HELDOUT) + read_items(TOUCHED))
    assert sorted(touched) == [item["id"] for item in read_items(TOUCHED)]


def test_a_name_and_count_pair_is_found_only_on_one_line() -> None:
    from evals.metrics import score_answer
    table = "| 区财政局 | 1 | — | 1项 |\n| 区税务局 | 2 | — | 2项 |"
    assert score_answer("x", "group_count", [], ["区财政局:1"], table, [], False).full
    assert not score_answer("x", "group_count", [], ["区财政局:2"], table, [], False).full
    assert score_answer("x", "fact", [], ["1:350"], "师生比1:350", [], False).full


def test_a_year_and_count_pair_is_a_group_said_with_or_without_its_nian() -> None:
    from evals.metrics import score_answer
    table = "| 2023 | 9 | 辽宁省#2、3 |\n| 2021年 | 2项 | 辽宁省#10、13 |"
    for expected in (["2023年:9", "2021:2"], ["2023:9", "2021年:2"]):
        assert score_answer("x", "group_count", [], expected, table, [], False).full
    assert not score_answer("x", "group_count", [], ["2021:9"], table, [], False).full
