"""The knowledge loader: the real knowledge/ loads, and a broken copy gets an error naming
the file, the entry and the field, as a club admin editing the YAML would see it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.core.knowledge import MAX_ANSWER, TOPICS, KnowledgeError, load_knowledge

REAL = PROJECT_ROOT / "knowledge"


def broken_copy(tmp_path: Path, file: str, edit: Callable[[Any], object]) -> Path:
    """Copy knowledge/ into tmp_path; rewrite ``file`` after ``edit`` changed its data in place."""
    target = tmp_path / "knowledge"
    shutil.copytree(REAL, target)
    path = target / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def entry(data: dict[str, Any], ident: str) -> dict[str, Any]:
    return next(e for e in data["entries"] if e["id"] == ident)


def test_real_knowledge_loads() -> None:
    k = load_knowledge()
    assert k.source == REAL
    assert {e.topic for e in k.entries.values()} == set(TOPICS)
    for e in k.entries.values():
        assert e.title.strip() and e.answer.strip() and e.section.strip()
        assert len(e.answer) <= MAX_ANSWER
        assert all(r in k.entries for r in e.related)
    assert k.disclaimer and k.not_covered and k.urgent_reply
    assert k.red_flags and all(f.alone or f.together for f in k.red_flags)
    assert k.flag_back_words and k.flag_pain_words and k.scope.negation
    assert len(k.week) == 7
    assert {"dynamic", "static", "core"} == {e.kind for e in k.exercises.values()}


def test_real_knowledge_loads_from_a_copy_elsewhere(tmp_path: Path) -> None:
    shutil.copytree(REAL, tmp_path / "kb")
    k = load_knowledge(tmp_path / "kb")
    assert k.source == tmp_path / "kb"
    assert k.entries == load_knowledge().entries


def test_a_missing_field_names_file_entry_and_field(tmp_path: Path) -> None:
    kb = broken_copy(tmp_path, "faq.yaml", lambda d: entry(d, "treat-ice-heat").pop("answer"))
    # other entries list it as related: they are not blamed for it
    assert problems_of(kb) == ["knowledge/faq.yaml: entry 'treat-ice-heat': 'answer' is missing"]


def test_an_unknown_field_is_an_error_that_lists_the_allowed_ones(tmp_path: Path) -> None:
    kb = broken_copy(
        tmp_path, "faq.yaml", lambda d: entry(d, "treat-rest").update(anwser="typo of answer")
    )
    [problem] = problems_of(kb)
    assert problem.startswith("knowledge/faq.yaml: entry 'treat-rest': unknown field 'anwser'")
    assert "allowed: answer, asks, id, keywords" in problem


def test_a_duplicate_id_is_an_error(tmp_path: Path) -> None:
    def duplicate(d: dict[str, Any]) -> None:
        d["entries"].append(dict(entry(d, "duration"), title="Another title?"))

    kb = broken_copy(tmp_path, "faq.yaml", duplicate)
    assert problems_of(kb) == ["knowledge/faq.yaml: entry 'duration': duplicate id"]


@pytest.mark.parametrize("blank", ["", "   \n  "])
def test_an_empty_answer_is_an_error(tmp_path: Path, blank: str) -> None:
    kb = broken_copy(tmp_path, "faq.yaml", lambda d: entry(d, "treat-rest").update(answer=blank))
    assert problems_of(kb) == ["knowledge/faq.yaml: entry 'treat-rest': 'answer' is empty"]


def test_an_answer_too_long_for_an_embed_is_an_error(tmp_path: Path) -> None:
    long = "Rest and recover. " * 300
    kb = broken_copy(tmp_path, "faq.yaml", lambda d: entry(d, "treat-rest").update(answer=long))
    assert problems_of(kb) == [
        f"knowledge/faq.yaml: entry 'treat-rest': 'answer' is {len(long.strip())} characters,"
        f" more than the {MAX_ANSWER} allowed"
    ]


def test_an_answer_of_exactly_the_embed_limit_loads(tmp_path: Path) -> None:
    kb = broken_copy(
        tmp_path, "faq.yaml", lambda d: entry(d, "treat-rest").update(answer="x" * MAX_ANSWER)
    )
    assert load_knowledge(kb).entries["treat-rest"].answer == "x" * MAX_ANSWER


def test_a_club_may_retire_an_entry(tmp_path: Path) -> None:
    def drop(d: dict[str, Any]) -> None:
        d["entries"] = [e for e in d["entries"] if e["id"] != "exercises-to-avoid"]
        for e in d["entries"]:
            if "exercises-to-avoid" in e.get("related", []):
                e["related"].remove("exercises-to-avoid")

    kb = broken_copy(tmp_path, "faq.yaml", drop)
    assert "exercises-to-avoid" not in load_knowledge(kb).entries


SPEC = PROJECT_ROOT.parent / "shared" / "spec" / "entries.yaml"


def test_the_shipped_knowledge_holds_every_spec_entry() -> None:
    if not SPEC.is_file():
        pytest.skip(f"{SPEC} is not here: the spec sits beside the project, not in it")
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    knowledge = load_knowledge()
    assert set(knowledge.entries) == set(spec["entries"])


def test_a_faq_with_no_entries_is_an_error(tmp_path: Path) -> None:
    kb = broken_copy(tmp_path, "faq.yaml", lambda d: d.update(entries=[]))
    assert problems_of(kb) == [
        "knowledge/faq.yaml: 'entries' is empty: the bot needs at least one FAQ entry to answer"
    ]


def test_related_naming_an_unknown_entry_is_an_error(tmp_path: Path) -> None:
    kb = broken_copy(
        tmp_path, "faq.yaml", lambda d: entry(d, "duration").update(related=["treat-yoga"])
    )
    assert problems_of(kb) == [
        "knowledge/faq.yaml: entry 'duration': 'related' names unknown entry 'treat-yoga'"
    ]


def test_an_unknown_topic_is_an_error(tmp_path: Path) -> None:
    kb = broken_copy(tmp_path, "faq.yaml", lambda d: entry(d, "duration").update(topic="misc"))
    [problem] = problems_of(kb)
    assert problem.startswith("knowledge/faq.yaml: entry 'duration': 'topic' must be one of")
    assert "got 'misc'" in problem


def test_broken_yaml_syntax_names_the_line(tmp_path: Path) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(REAL, kb)
    path = kb / "routines.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = lines.index("    name: Plank")
    lines[n] = "    name: Plank: the basic one"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = problems_of(kb)
    assert problem.startswith(f"knowledge/routines.yaml: line {n + 1}: not valid YAML")


def test_a_field_written_twice_is_an_error_not_a_silent_overwrite(tmp_path: Path) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(REAL, kb)
    path = kb / "faq.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = lines.index("  - id: treat-ice-heat")
    lines.insert(n + 1, "    answer: Just ice it.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = problems_of(kb)
    assert problem.startswith("knowledge/faq.yaml: line ")
    assert "'answer' is written twice" in problem


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(REAL, kb)
    (kb / "redflags.yaml").unlink()
    assert "knowledge/redflags.yaml: file is missing" in problems_of(kb)


def test_a_flag_with_no_words_names_the_flag(tmp_path: Path) -> None:
    names: list[str] = []

    def spoil(d: dict[str, Any]) -> None:
        names.append(d["flags"][0]["name"])
        d["flags"][0].pop("alone")
        d["flags"][0].pop("together")

    kb = broken_copy(tmp_path, "redflags.yaml", spoil)
    assert problems_of(kb) == [
        f"knowledge/redflags.yaml: flag '{names[0]}': has no words: give it 'alone' words"
        " or 'together' combinations"
    ]


@pytest.mark.parametrize(
    ("together", "problem"),
    [
        (
            [["chest"]],
            "'together' must be a list of combinations, each a list of two or more word"
            " lists (combination #1)",
        ),
        (
            "chest pain",
            "'together' must be a list of combinations, each a list of two or more word lists",
        ),
        ([[["chest"], []]], "'together' is empty"),
        ([[["chest"], ["", "pain"]]], "'together' must be a list of non-empty texts"),
    ],
)
def test_a_malformed_combination_names_the_flag_and_field(
    tmp_path: Path, together: Any, problem: str
) -> None:
    names: list[str] = []

    def spoil(d: dict[str, Any]) -> None:
        names.append(d["flags"][0]["name"])
        d["flags"][0]["together"] = together

    kb = broken_copy(tmp_path, "redflags.yaml", spoil)
    assert problems_of(kb) == [f"knowledge/redflags.yaml: flag '{names[0]}': {problem}"]


def test_an_unquoted_no_in_a_word_list_is_explained(tmp_path: Path) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(REAL, kb)
    path = kb / "redflags.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('["no", not,', "[no, not,"))
    assert problems_of(kb) == [
        "knowledge/redflags.yaml: 'scope': 'negation' holds a bare no, yes, on or off, which"
        ' YAML reads as true or false: write the word in quotes ("no")'
    ]


@pytest.mark.parametrize("window", [0, 21, "six", True])
def test_a_bad_scope_window_says_what_is_accepted(tmp_path: Path, window: Any) -> None:
    kb = broken_copy(tmp_path, "redflags.yaml", lambda d: d["scope"].update(window=window))
    assert problems_of(kb) == [
        "knowledge/redflags.yaml: 'scope': 'window' must be a whole number of words from 1 to 20"
    ]


def test_two_flags_with_one_name_are_an_error(tmp_path: Path) -> None:
    names: list[str] = []

    def spoil(d: dict[str, Any]) -> None:
        names.append(d["flags"][0]["name"])
        d["flags"][1]["name"] = d["flags"][0]["name"]

    kb = broken_copy(tmp_path, "redflags.yaml", spoil)
    assert problems_of(kb) == [f"knowledge/redflags.yaml: flag '{names[0]}': duplicate name"]


def test_an_unknown_exercise_in_the_week_is_an_error(tmp_path: Path) -> None:
    kb = broken_copy(tmp_path, "routines.yaml", lambda d: d["week"][2]["stretches"].append("yoga"))
    assert problems_of(kb) == [
        "knowledge/routines.yaml: week day 3: 'stretches' names unknown exercise 'yoga'"
    ]


def test_a_stretch_listed_as_core_is_an_error(tmp_path: Path) -> None:
    kb = broken_copy(
        tmp_path, "routines.yaml", lambda d: d["week"][0]["core"].append("doorway-chest-stretch")
    )
    assert problems_of(kb) == [
        "knowledge/routines.yaml: week day 1: 'core' lists 'doorway-chest-stretch',"
        " which is a static exercise"
    ]


def test_a_repeated_week_day_is_an_error(tmp_path: Path) -> None:
    def repeat(d: dict[str, Any]) -> None:
        d["week"][4] = dict(d["week"][1], name="Copy of day 2")

    kb = broken_copy(tmp_path, "routines.yaml", repeat)
    assert problems_of(kb) == ["knowledge/routines.yaml: week day 5: is the same routine as day 2"]


def test_a_week_of_six_days_is_an_error(tmp_path: Path) -> None:
    kb = broken_copy(tmp_path, "routines.yaml", lambda d: d["week"].pop())
    assert problems_of(kb) == ["knowledge/routines.yaml: 'week' must list exactly 7 daily routines"]


def test_an_exercise_with_a_bad_kind_is_an_error(tmp_path: Path) -> None:
    def spoil(d: dict[str, Any]) -> None:
        ex = next(e for e in d["exercises"] if e["id"] == "superman")
        ex["kind"] = "strength"

    kb = broken_copy(tmp_path, "routines.yaml", spoil)
    # the week days that list it are not blamed for it: one mistake, one message
    assert problems_of(kb) == [
        "knowledge/routines.yaml: exercise 'superman': 'kind' must be one of dynamic, static, core,"
        " got 'strength'"
    ]


def test_problems_in_several_files_are_all_reported_at_once(tmp_path: Path) -> None:
    kb = broken_copy(tmp_path, "faq.yaml", lambda d: entry(d, "treat-ice-heat").pop("title"))
    routines = kb / "routines.yaml"
    data = yaml.safe_load(routines.read_text(encoding="utf-8"))
    data["exercises"][0]["colour"] = "red"
    routines.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    problems = problems_of(kb)
    assert problems[0] == "knowledge/faq.yaml: entry 'treat-ice-heat': 'title' is missing"
    assert problems[1].startswith(
        f"knowledge/routines.yaml: exercise '{data['exercises'][0]['id']}': unknown field 'colour'"
    )


def run_check(kb: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KNOWLEDGE_DIR=str(kb))
    env.pop("DISCORD_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bot_check_exits_zero_on_the_real_knowledge() -> None:
    done = run_check(REAL)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_bot_check_exits_non_zero_with_the_message_on_a_broken_copy(tmp_path: Path) -> None:
    kb = broken_copy(tmp_path, "faq.yaml", lambda d: entry(d, "treat-ice-heat").pop("answer"))
    done = run_check(kb)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "knowledge/faq.yaml: entry 'treat-ice-heat': 'answer' is missing" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("window", [0, 21, "one", False])
def test_a_bad_near_window_says_what_is_accepted(tmp_path: Path, window: Any) -> None:
    kb = broken_copy(tmp_path, "redflags.yaml", lambda d: d["scope"].update(near_window=window))
    assert problems_of(kb) == [
        "knowledge/redflags.yaml: 'scope': 'near_window' must be a whole number of words from 1 "
        "to 20"
    ]


def test_a_scope_without_near_negation_still_loads(tmp_path: Path) -> None:
    def older(d: dict[str, Any]) -> None:
        for key in ("negation_near", "near_window", "general_post"):
            del d["scope"][key]

    scope = load_knowledge(broken_copy(tmp_path, "redflags.yaml", older)).scope
    assert scope.negation_near == () == scope.general_post and scope.negation
