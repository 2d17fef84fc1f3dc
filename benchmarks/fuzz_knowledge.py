"""Knowledge fuzzing at scale: N random edits of knowledge/ (tests/knowledge_mutations.py),
each loaded as the bot loads it. Counts what loaded and what was refused, and fails on any
crash, any unusable knowledge accepted (no red flags, no entries, empty replies...), any
emptied file accepted, or any accepted knowledge whose matcher takes more than 50 ms on a
10,000-character message.

    .venv/bin/python benchmarks/fuzz_knowledge.py [--runs 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.knowledge import load_knowledge  # noqa: E402
from bot.core.matching import Matcher  # noqa: E402
from tests.knowledge_mutations import mutate, outcome  # noqa: E402

MESSAGE = ("my upper back hurts, no chest pain, should i ice it? " * 250)[:10_000]
SLOW_MS = 50.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    results: Counter[str] = Counter()
    defects: list[str] = []
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(tmp) / "knowledge"
        for n in range(args.runs):
            what = mutate(kb, rng)
            result = outcome(kb)
            results["emptied" if "emptied" in what else "edited"] += 1
            results[result if result in ("loaded", "refused") else "defect"] += 1
            if result not in ("loaded", "refused"):
                defects.append(f"#{n} {what}: {result}")
            elif "emptied" in what and result == "loaded":
                defects.append(f"#{n} {what}: an emptied file was accepted")
            elif result == "loaded":
                matcher = Matcher(load_knowledge(kb))
                for mode in ("ask", "channel"):
                    t0 = time.perf_counter()
                    matcher.match(MESSAGE, mode)
                    ms = (time.perf_counter() - t0) * 1000
                    slowest = max(slowest, ms)
                    if ms > SLOW_MS:
                        defects.append(f"#{n} {what}: {ms:.1f} ms on a 10,000-character message")
    emptied_ok = not any("emptied file" in d for d in defects)
    print(
        f"{args.runs} random edits (seed {args.seed}): {results['loaded']} loaded,"
        f" {results['refused']} refused with problems named, {results['defect']} defects;"
        f" {results['emptied']} files emptied, all refused: {emptied_ok};"
        f" slowest match on a 10,000-character message with accepted knowledge: {slowest:.1f} ms"
    )
    for d in defects[:20]:
        print("DEFECT", d)
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main())
