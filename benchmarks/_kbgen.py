"""Generate a large knowledge base for the matcher benchmark: the real knowledge/ plus
generated FAQ entries, written to a folder, so the matcher is measured at club-wiki scale.

The generated entries read like a running club's wider FAQ (other body parts, activities,
causes and treatments), with varied phrasings and keywords that share much of their
vocabulary with the real entries, as a real large FAQ would. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import yaml

PARTS = [
    "knee", "shin", "calf", "hamstring", "hip", "ankle", "foot", "heel", "achilles",
    "it band", "lower back", "neck", "glute", "quad", "groin", "toe", "arch", "wrist",
    "elbow", "shoulder blade", "mid back", "back", "upper back", "shoulders", "chest",
    "ribs", "side", "hip flexor", "piriformis", "plantar fascia",
]  # fmt: skip
SYMPTOMS = [
    "pain", "soreness", "stiffness", "tightness", "cramps", "aching", "swelling",
    "clicking", "burning", "weakness", "niggles", "discomfort", "a stitch", "twinges",
]  # fmt: skip
HURTS = ["hurt", "ache", "feel tight", "feel stiff", "throb", "burn", "cramp up", "get sore"]
ACTIVITIES = [
    "running", "jogging", "trail running", "hill repeats", "sprint intervals", "a marathon",
    "a half marathon", "a 10k race", "tempo runs", "treadmill runs", "track workouts",
    "long runs", "easy runs", "fartlek", "parkrun", "cross-country", "downhill running",
    "barefoot running", "running in the cold", "running on concrete", "speed work",
    "back-to-back runs", "night runs", "ultra training", "a run streak",
]  # fmt: skip
FACTORS = [
    "new shoes", "worn-out shoes", "heel striking", "overstriding", "a low cadence",
    "carrying a phone", "a hydration vest", "a heavy backpack", "dehydration", "poor sleep",
    "a desk job", "cycling", "weight training", "a sudden mileage jump", "hard surfaces",
    "cambered roads", "flat feet", "high arches", "tight hip flexors", "a long commute",
    "breathing badly", "stress", "skipping the warm-up", "racing too often",
]  # fmt: skip
TREATMENTS = [
    "ice", "heat", "compression socks", "kinesiology tape", "a foam roller", "a massage gun",
    "an epsom salt bath", "ibuprofen", "rest days", "cross-training", "a brace", "orthotics",
    "stretching", "yoga", "a physio", "a sports massage", "a lacrosse ball", "swimming",
]  # fmt: skip
PREVENTIONS = [
    "strength training", "a proper warm-up", "a cool-down jog", "better shoes",
    "a shorter stride", "running drills", "mobility work", "pilates", "rest days",
    "gradual mileage increases", "a lower training load", "hill training", "a gait analysis",
    "more sleep", "a running coach", "a training plan", "softer surfaces",
]  # fmt: skip

TEMPLATES: dict[str, list[str]] = {
    "causes": [
        "Why does my {part} {hurt} after {activity}?",
        "Can {factor} cause {part} {symptom}?",
        "what causes {symptom} in my {part} from {activity}",
        "is {factor} why my {part} hurts",
        "{part} {symptom} after {activity}, why?",
        "could {factor} be behind my {part} {symptom}",
        "why do runners get {part} {symptom}",
        "my {part} always aches after {activity}, what is the cause",
    ],
    "prevention": [
        "How can I prevent {part} {symptom} from {activity}?",
        "Does {prevention} help avoid {part} {symptom}?",
        "how do i stop my {part} from hurting during {activity}",
        "will {prevention} stop the {symptom} in my {part}",
        "tips to avoid {part} {symptom} when doing {activity}",
        "what should i do before {activity} so my {part} doesn't {hurt}",
        "best way to keep {part} {symptom} away",
    ],
    "treatment": [
        "Should I use {treatment} for {part} {symptom}?",
        "How do I treat {symptom} in my {part}?",
        "is {treatment} good for a sore {part}",
        "what helps {part} {symptom} after {activity}",
        "{treatment} or {treatment2} for {part} {symptom}?",
        "how to get rid of {part} {symptom} quickly",
        "does {treatment} help when my {part} is {symptom_adj}",
    ],
    "more": [
        "How long does {part} {symptom} last?",
        "Can I keep doing {activity} with {part} {symptom}?",
        "When should I see a doctor about {part} {symptom}?",
        "is it ok to run through {part} {symptom}",
        "how many days off for {part} {symptom}",
        "should i skip {activity} if my {part} {hurt}s",
        "is {part} {symptom} after {activity} normal",
    ],
}
ADJ = ["sore", "stiff", "tight", "achy", "swollen", "tender", "painful"]


def _fill(template: str, rng: random.Random, part: str, symptom: str) -> str:
    treatment, treatment2 = rng.sample(TREATMENTS, 2)
    return template.format(
        part=part,
        symptom=symptom,
        hurt=rng.choice(HURTS),
        activity=rng.choice(ACTIVITIES),
        factor=rng.choice(FACTORS),
        prevention=rng.choice(PREVENTIONS),
        treatment=treatment,
        treatment2=treatment2,
        symptom_adj=rng.choice(ADJ),
    )


def generated_entries(count: int, seed: int = 2000) -> list[dict[str, Any]]:
    """``count`` plausible FAQ entries in faq.yaml's format, ids gen-0001 upwards."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        topic = rng.choice(list(TEMPLATES))
        part, symptom = rng.choice(PARTS), rng.choice(SYMPTOMS)
        title_template, *others = rng.sample(TEMPLATES[topic], k=len(TEMPLATES[topic]))
        title = _fill(title_template, rng, part, symptom)
        title = title[0].upper() + title[1:]
        phrasings = [_fill(t, rng, part, symptom) for t in others[: rng.randint(4, 6)]]
        keywords = sorted(
            {part, symptom, rng.choice(ACTIVITIES), rng.choice(FACTORS + TREATMENTS)}
            | set(rng.sample(PREVENTIONS + TREATMENTS, rng.randint(0, 3)))
        )
        related = [f"gen-{m:04d}" for m in sorted(rng.sample(range(1, n), min(n - 1, 2)))]
        out.append(
            {
                "id": f"gen-{n:04d}",
                "topic": topic,
                "title": title if title.endswith("?") else title + "?",
                "section": f"Generated / {topic.title()}",
                "answer": (
                    f"Generated answer about {part} {symptom} for the benchmark. It is about as"
                    " long as a real chat-sized answer, two or three sentences, so that loading"
                    " and indexing cost what a real knowledge base of this size would cost."
                ),
                "phrasings": phrasings,
                "keywords": keywords,
                "related": related,
            }
        )
    return out


def write_knowledge(source: Path, dest: Path, total_entries: int, seed: int = 2000) -> int:
    """Copy ``source`` (a knowledge dir) to ``dest`` and add generated FAQ entries until it holds
    ``total_entries``; return how many entries were generated."""
    shutil.copytree(source, dest)
    faq = dest / "faq.yaml"
    data = yaml.safe_load(faq.read_text(encoding="utf-8"))
    extra = max(0, total_entries - len(data["entries"]))
    data["entries"].extend(generated_entries(extra, seed))
    faq.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return extra
