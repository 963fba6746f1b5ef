"""Measure the name-similarity threshold: `python -m evals.names` over evals/name_variants.jsonl.

Each line is a name an official might type and the agency it means (null: none of the indexed agencies).
For every threshold it prints how many variants resolve to the right agency and how many unknown names would
be wrongly resolved; the threshold in assistant/understand/names.toml is the lowest with no wrong resolution.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.catalog import Catalog
from assistant.settings import Settings
from assistant.understand.names import AgencyNames
from ingest.builds import open_builds
from ingest.registries import Registry
from state import open_state

VARIANTS = Path(__file__).resolve().parent / "name_variants.jsonl"


def main() -> None:
    settings = Settings()
    registry = Registry.load()
    catalog = Catalog.load(open_builds(settings.index_dir, settings.chroma_url, settings.collection_prefix,
                                       open_state(settings.database_url, settings.data_dir)), registry)
    names = AgencyNames(registry, catalog.indexed_agencies())
    items = [json.loads(line) for line in VARIANTS.read_text("utf-8").splitlines() if line.strip()]
    scored = []
    for item in items:
        stripped = registry.agencies._strip_level(registry.normalize(item["name"]))
        exact = names.names.get(stripped) or names.stems.get(stripped)
        best = names._similar(stripped)
        score, agency = (1.0, exact) if exact else (best[0] if best else (0.0, None))
        scored.append((item, score, agency))
    say(f"{'threshold':>9} {'right':>6} {'wrong':>6}   ({len(items)} names, "
          f"{sum(i['agency'] is not None for i in items)} variants of indexed agencies)")
    for step in range(40, 90, 5):
        threshold = step / 100
        right = sum(1 for item, score, agency in scored if score >= threshold and agency == item["agency"])
        wrong = sum(1 for item, score, agency in scored if score >= threshold and agency != item["agency"])
        say(f"{threshold:>9.2f} {right:>6} {wrong:>6}")
    for item, score, agency in sorted(scored, key=lambda s: -s[1]):
        mark = "ok " if (agency == item["agency"]) == (item["agency"] is not None) else "   "
        say(f"  {mark}{item['name']:<10} {score:.2f} -> {agency}   (means {item['agency']})")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
