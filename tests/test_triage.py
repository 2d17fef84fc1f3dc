"""Red-flag triage reads like an intake form: concepts, negation and context scope.

Every red flag of the spec is tried as a member would report it and as they would deny it;
a flag in the middle of a long story is still found; other senses of the same words and
general questions about warning signs are not reports.
"""

from __future__ import annotations

import pytest

from bot.core.knowledge import load_knowledge
from bot.core.matching import Matcher
from bot.core.spelling import Speller

STORY_START = (
    "Long post sorry. Training for my first half, three runs a week plus a long one on "
    "Sundays, about 30 miles a week now, up from 20 in September. Sunday's long run was "
    "13 miles on the canal path in the rain, felt strong for most of it. "
)
STORY_END = (
    " I did my usual cool down walk and some stretching after and had a bath. My upper back "
    "between the shoulder blades has been sore since. My plan says an easy 5k tomorrow and "
    "intervals on Thursday. Should I foam roll it tonight and carry on, or rest?"
)

# (flag, reported, denied): each concept as a member reports it, and as they deny it
PAIRS = [
    (
        "chest pain or pressure",
        "did hill reps last night, my chest felt really tight on the last one and my upper "
        "back aches, should I foam roll it?",
        "did hill reps last night, no chest tightness at all, just my upper back aches, "
        "should I foam roll it?",
    ),
    (
        "chest pain or pressure",
        "getting a sharp pain around the left side of my chest when I push the pace",
        "nothing like chest pain, more a dull ache in my upper back when I push the pace",
    ),
    (
        "pain spreading to the arm, neck or jaw",
        "the ache between my shoulder blades now radiates down into my left arm",
        "the ache between my shoulder blades stays put, it doesn't radiate into my arm",
    ),
    (
        "shortness of breath",
        "upper back has been sore all week and I get short of breath walking up the stairs",
        "upper back has been sore all week, I'm not short of breath or anything",
    ),
    (
        "fainting or dizziness",
        "my upper back was killing me at the end of the 10k and I felt woozy, nearly passed out",
        "my upper back was killing me at the end of the 10k but I never felt dizzy or faint",
    ),
    (
        "numbness, tingling or weakness in the arms or legs",
        "sore upper back and now pins and needles in my right hand since Tuesday",
        "sore upper back but no pins and needles, numbness or tingling anywhere",
    ),
    (
        "loss of bladder or bowel control",
        "my back has been aching and I had an accident, couldn't hold my bladder on the run",
        "my back has been aching, no bladder or bowel problems though, any tips?",
    ),
    (
        "fever or chills",
        "upper back aching for three days and I've got a temperature and the chills at night",
        "upper back aching for three days, no fever or chills, just sore",
    ),
    (
        "pain after a fall, collision or other trauma",
        "slipped on ice on my run this morning and landed on my back, it's been hurting since",
        "nearly slipped on ice this morning but didn't fall, my upper back is stiff though",
    ),
    (
        "pain after a fall, collision or other trauma",
        "a cyclist clipped me on the towpath and I went down hard, upper back really sore",
        "a cyclist came close on the towpath but never touched me, upper back a bit sore",
    ),
    (
        "sudden, severe or tearing pain",
        "felt a sudden tearing pain in my upper back mid run, worst pain of my life",
        "no sudden or severe pain, just a gradual ache in my upper back after long runs",
    ),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge())


def flag_of(matcher: Matcher, text: str) -> str | None:
    return matcher.triage.flag(matcher.reader.read(text))


def assert_flag(matcher: Matcher, text: str, flag: str) -> None:
    """The post raises the red flag whose name starts with ``flag``."""
    found = flag_of(matcher, text)
    assert found is not None and found.startswith(flag), (text, found)


@pytest.mark.parametrize(("flag", "reported", "denied"), PAIRS)
def test_each_red_flag_is_caught_and_its_denial_is_not(
    matcher: Matcher, flag: str, reported: str, denied: str
) -> None:
    assert flag_of(matcher, reported) == flag
    assert flag_of(matcher, denied) is None


@pytest.mark.parametrize(("flag", "reported", "denied"), PAIRS)
def test_a_red_flag_in_the_middle_of_a_long_story_is_caught(
    matcher: Matcher, flag: str, reported: str, denied: str
) -> None:
    assert flag_of(matcher, STORY_START + reported + "." + STORY_END) == flag
    assert flag_of(matcher, STORY_START + denied + "." + STORY_END) is None


@pytest.mark.parametrize("mode", ["ask", "channel"])
def test_triage_runs_first_in_both_modes(matcher: Matcher, mode) -> None:
    story = STORY_START + PAIRS[3][1] + "." + STORY_END
    decision = matcher.match(story, mode)
    assert (decision.kind, decision.flag) == ("urgent", "shortness of breath")


@pytest.mark.parametrize(
    "text",
    [
        "no chest pain, no numbness, just a sore upper back after Sunday's long run",
        "no chest pain or tingling or dizziness, upper back is tight after intervals",
        "I didn't fall or hit anything, my upper back just aches after parkrun",
        "never blacked out or felt faint, upper back just sore after the race",
        "without any numbness or weakness, my upper back is stiff after long runs",
        "the tingling in my hand went away after a minute, now it's only my upper back",
    ],
)
def test_negated_symptoms_are_not_an_emergency(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "no chest pain or dizziness but my right hand has gone numb since the run and my "
            "upper back aches",
            "numbness, tingling or weakness in the arms or legs",
        ),
        (
            "I didn't fall, no numbness, but there's a crushing pressure in my chest and my "
            "upper back aches",
            "chest pain or pressure",
        ),
    ],
)
def test_one_real_red_flag_wins_over_denied_ones(matcher: Matcher, text: str, flag: str) -> None:
    assert flag_of(matcher, text) == flag


@pytest.mark.parametrize(
    "text",
    [
        "fell behind the group on the hills and my upper back ached the whole way",
        "chest day yesterday and my upper back is sore today, normal?",
        "do tight chest muscles cause upper back pain?",
        "any tips on breathing technique to stop my upper back tensing up?",
        "training for a fall marathon and my upper back gets stiff on long runs",
        "hit the wall at mile 20 and my upper back was aching",
        "the chills of race morning aside, my upper back aches after every 10k",
        "my watch crashed halfway through and my upper back is sore, ugh",
        "I keep my chest up and shoulders back but my upper back still aches",
        "a faint ache between my shoulder blades after long runs, anything to do?",
    ],
)
def test_other_senses_of_red_flag_words_are_harmless(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "what symptoms mean I should see a doctor about upper back pain?",
        "is numbness ever a warning sign with upper back pain?",
        "what are the red flags with back pain, like chest pain or fainting?",
        "what if I get chest pain on a run, should I stop?",
    ],
)
def test_general_questions_about_warning_signs_are_not_reports(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


def test_a_general_question_followed_by_a_report_is_a_report(matcher: Matcher) -> None:
    text = "can running cause chest pain? I've been getting it on hills, and my upper back aches"
    assert flag_of(matcher, text) == "chest pain or pressure"


@pytest.mark.parametrize(
    "text",
    [
        "had chest pain two years ago, the ECG was fine. now just a stiff upper back after runs",
        "I fell off my bike last year, got it x-rayed and nothing was broken. Upper back sore "
        "after long runs lately, ice or heat?",
    ],
)
def test_a_past_episode_a_doctor_checked_is_not_current(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


def test_a_past_episode_nobody_checked_still_counts(matcher: Matcher) -> None:
    text = "had chest pain on my run this morning, it was fine after a few minutes"
    assert flag_of(matcher, text) == "chest pain or pressure"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("upper back sore and my arm feels numbess", "numbness, tingling or weakness"),
        ("upper back aches and I get dizy on hills", "fainting or dizziness"),
        ("my upper back hurts and its hard to brethe", "shortness of breath"),
        ("upper back sore and I've had a feaver since yesterday", "fever or chills"),
        ("excrutiating pain in my upper back out of nowhere", "sudden, severe or tearing pain"),
    ],
)
def test_typos_in_symptoms_are_tolerated(matcher: Matcher, text: str, flag: str) -> None:
    assert_flag(matcher, text, flag)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("my chest hurts and my back aches", "chest pain or pressure"),
        ("my chest was hurting and my back ached", "chest pain or pressure"),
        ("the numbing feeling in my fingers and upper back ache", "numbness"),
        ("I tripped over a root, back sore since", "pain after a fall"),
        ("tripping over a root left my back sore", "pain after a fall"),
    ],
)
def test_inflections_are_the_same_concept(matcher: Matcher, text: str, flag: str) -> None:
    assert_flag(matcher, text, flag)


def test_context_is_needed_where_the_flag_says_so(matcher: Matcher) -> None:
    assert flag_of(matcher, "my toes go numb on winter runs") is None
    assert flag_of(matcher, "my toes go numb on winter runs and my upper back aches") == (
        "numbness, tingling or weakness in the arms or legs"
    )
    assert flag_of(matcher, "crushing pressure in my chest on the run") == "chest pain or pressure"


@pytest.mark.parametrize(
    "text",
    [
        "sore traps, nothing numb, nothing going into my arms, stretch?",
        "upper back sore, nothing radiating into my arm, nothing sudden or sharp",
    ],
)
def test_nothing_denies_the_symptom_right_after_it(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("had nothing to drink and fainted at the finish, back sore", "fainting or dizziness"),
        ("nothing helps the pressure in my chest and my upper back hurts", "chest pain"),
        ("nothing worse than this tearing pain in my upper back", "sudden, severe"),
        ("I've had nothing like this crushing chest pain before, back aches too", "chest pain"),
    ],
)
def test_nothing_that_does_not_deny_leaves_the_symptom_reported(
    matcher: Matcher, text: str, flag: str
) -> None:
    assert_flag(matcher, text, flag)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("my left leg keeps giving way on the stairs and my mid back aches", "numbness"),
        ("right arm gave out lifting the kettle, upper back sore since Sunday", "numbness"),
        ("the room spun at the finish and my upper back hurts", "fainting or dizziness"),
        ("everything swam for a moment after the sprint, upper back aches", "fainting"),
    ],
)
def test_irregular_verbs_are_the_same_concept(matcher: Matcher, text: str, flag: str) -> None:
    assert_flag(matcher, text, flag)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("upper back + left arm numb since lunch, is that bad?", "pain spreading"),
        ("crushing chest pain on the run and upper back aches, is that serious?", "chest pain"),
        ("upper back pain and chest pain after running, signs of something bad?", "chest pain"),
        ("traps sore, fever 38.9 tonight, worth worrying?", "fever or chills"),
        (
            "what if I get dizzy on a long run with my bad back? it happened to me last week",
            "fainting or dizziness",
        ),
    ],
)
def test_a_terse_report_asking_if_it_is_serious_is_a_report(
    matcher: Matcher, text: str, flag: str
) -> None:
    assert_flag(matcher, text, flag)


@pytest.mark.parametrize(
    "text",
    [
        "is back pain with numbness in the legs a red flag?",
        "what are the warning signs of chest pain with back pain?",
        "If back pain ever came with chest pain, would I need help straight away?",
        "If someone's arm goes numb after a run with back pain, is that an emergency?",
        "can pain spreading to the arm come from a back muscle, or is it always the heart?",
        "hypothetically, if back pain spread into the jaw, is that a heart thing?",
        "do chills plus back pain usually mean infection? asking out of interest, feeling great",
    ],
)
def test_the_same_words_asked_in_general_are_not_a_report(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


def test_half_a_combination_does_not_swallow_a_negation(matcher: Matcher) -> None:
    # "did not feel" belongs to a bladder combination ("leaking and did not feel it"); with
    # no leak in the post it is an ordinary negation of what follows
    assert flag_of(matcher, "didn't feel anything rip or tear, my upper back is just sore") is None
    assert flag_of(matcher, "I keep leaking and did not feel it, back sore since Monday") == (
        "loss of bladder or bowel control"
    )


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("my daughter's upper back hurts and now it's going down her arm", "pain spreading"),
        ("my husband was rubbing his chest after the run, says it's his upper back", "chest"),
        ("my mum wet herself on the run without noticing and her back aches", "loss of bladder"),
    ],
)
def test_a_symptom_is_the_same_in_someone_elses_words(
    matcher: Matcher, text: str, flag: str
) -> None:
    assert_flag(matcher, text, flag)


@pytest.mark.parametrize(
    "text",
    [
        "The course fell away downhill for the last 2k and my upper back is a bit tight",
        "a wind at the start that would chill you to the bone, upper back sore from hunching",
        "feverish excitement at the club about the new track; my upper back is a bit stiff",
    ],
)
def test_more_other_senses_are_harmless(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


def test_a_denial_word_asked_as_a_question_denies_nothing(matcher: Matcher) -> None:
    assert_flag(matcher, "mid-back ache, now up my neck and into my jaw 🤔 normal?", "pain spread")
    assert_flag(matcher, "upper back sore and tingling in my fingers, normal?", "numbness")
    assert flag_of(matcher, "upper back sore and the tingling in my fingers feels normal") is None


def test_numb_with_feeling_is_not_numbness_unless_it_has_a_place(matcher: Matcher) -> None:
    assert flag_of(matcher, "the news left me numb. upper back tight from desk work") is None
    assert_flag(matcher, "the long run left me numb in both hands, back sore", "numbness")


@pytest.mark.parametrize(
    "text",
    [
        "Never had arm, neck or jaw pain with it, just a sore upper back. Posture?",
        "Without any fall, knock or collision, my upper back started aching after 10 miles.",
        "Upper back sore since Sunday; arm, neck, jaw pain absent. Ice or heat?",
    ],
)
def test_a_negation_covers_a_list_of_bare_words(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


def test_a_list_ends_where_its_words_say_something(matcher: Matcher) -> None:
    assert_flag(matcher, "no fever, arms and legs feel numb, upper back sore", "numbness")
    assert_flag(matcher, "my chest is tight, arm fine, upper back sore", "chest")


def test_a_symptom_answered_no_is_denied(matcher: Matcher) -> None:
    assert flag_of(matcher, "Upper back sore after hills. Chest pain: no. Tightness: no.") is None
    assert flag_of(matcher, "upper back sore. fever: none, numbness: n/a, dizziness: nil") is None
    assert_flag(matcher, "Upper back sore and chest pain. No idea why.", "chest")
    assert_flag(matcher, "upper back sore and chest pain, and no, I didn't fall", "chest")


@pytest.mark.parametrize(
    "text",
    [
        "Not about me, I'm fine: what sort of upper back pain counts as an emergency? Is it "
        "the suddenness, the severity, or something else?",
        "Which chest symptoms with upper back pain mean a runner should stop and see a doctor?",
        "What does it mean when runners get tingling in their arms with upper back pain? "
        "Wondering for our club newsletter.",
        "General question: which breathing symptoms alongside upper back pain need a doctor?",
    ],
)
def test_questions_written_for_everyone_are_not_reports(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


def test_the_same_question_about_the_members_own_arm_is_a_report(matcher: Matcher) -> None:
    assert_flag(
        matcher, "What does it mean when my arm goes numb on long runs? Upper back sore.", "numb"
    )


@pytest.mark.parametrize(
    "text",
    [
        "My hydration bladder leaked all down my back on the long run, upper back cold and sore",
        "Anyone recommend a vest with a bladder that doesn't leak? Upper back sore from mine.",
        "Pins and needles waiting for my marathon time to upload. Upper back sore.",
        "garmin fell off mid-run, lost the whole 20k!! upper back a bit sore too",
        "Upper back hammered after 25k with the heavy pack, arms strong, grip fine",
        "Upper back feels like I got hit by a bus after the hilly half. No fall, no bump.",
    ],
)
def test_other_senses_in_kit_and_figures_of_speech_are_harmless(
    matcher: Matcher, text: str
) -> None:
    assert flag_of(matcher, text) is None


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Had a bit of a funny turn after club run. Upper back's sore too.", "fainting"),
        ("upper back pain and I get not enough air when I climb one floor", "shortness"),
        ("upper back hurts and since two days I have sleeping fingers in my left hand", "numb"),
        ("got kicked hard in the back at the swim start, upper back sore since", "pain after"),
        ("since the long run upper back paining and urine coming without control", "loss of"),
        ("my bladder leaked on the long run without me noticing, upper back sore", "loss of"),
    ],
)
def test_plainer_and_non_native_wordings_are_caught(matcher: Matcher, text: str, flag: str) -> None:
    assert_flag(matcher, text, flag)


def test_a_missed_letter_is_likelier_than_a_wrong_one() -> None:
    assert Speller(["chat", "chest"]).correct("chst") == "chest"
    assert Speller(["chat", "chest"]).correct("chxt") == "chat"


def test_a_typo_in_a_symptom_is_still_the_symptom_when_a_harmless_word_is_as_near(
    matcher: Matcher,
) -> None:
    assert_flag(matcher, "weird ache in my chst every time I go up stairs, upper back", "chest")


def test_a_remark_in_brackets_is_its_own_clause(matcher: Matcher) -> None:
    assert_flag(
        matcher,
        "the buggy tipped and I went over the top onto my back (baby fine, strapped in). "
        "Now sore between the shoulders.",
        "pain after",
    )


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("kept stopping mid-line to get air in reading to my son, upper back killing me", "short"),
        ("Six weeks postpartum: upper back aching, winded carrying baby up one flight.", "short"),
        (
            "partner found me on the bathroom floor, next thing I remember is the tiles. "
            "Back aching since the long run.",
            "fainting",
        ),
        ("upper back aching and both my legs feel far away", "numb"),
        ("upper back sore, I'd gone in my trousers and hadn't noticed", "loss of"),
        ("Upper back sore, and twice today my bowels just went with no warning", "loss of"),
        ("woke to a pain like a hot blade between my shoulder blades, ten out of ten", "sudden"),
    ],
)
def test_red_flags_told_by_what_they_do_are_caught(matcher: Matcher, text: str, flag: str) -> None:
    assert_flag(matcher, text, flag)


@pytest.mark.parametrize(
    "text",
    [
        "Upper back sore after the hills, zilch going on in my chest though.",
        "Upper back sore, not a hint of tingling in my hands",
        "Gasping at the top of each hill rep but fine within a minute; upper back sore later.",
        "Breathless anticipation for race day! Upper back tight from taper nerves?",
        "That view from the top of the fell was something. Upper back sore from the poles.",
        "Only faint praise from the coach on my form. Is my hunch causing the upper back ache?",
        "Numb-bum from the long drive to the race, then a stiff upper back.",
        "I've caught a proper fever for trail running! Upper back sore from the pack.",
        "Tripped on a root but stayed on my feet; the upper back ache started a week earlier.",
        "the group chat crashed and I ran an extra 4k; upper back achy today",
        "Why do doctors worry when back pain moves into the arm or jaw?",
        "I know people worry about fainting; I haven't been dizzy at all, just a sore upper back",
        "Welfare officer for our newsletter. Which kinds of breathing problems with back pain "
        "mean someone should stop?",
    ],
)
def test_denials_names_and_everyday_breathlessness_are_not_reports(
    matcher: Matcher, text: str
) -> None:
    assert flag_of(matcher, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Back in March I had chest tightness and upper back ache after a tempo run. The "
        "cardiologist's tests were all clear. What stretches do people rate?",
        "GP gave me the all clear yesterday. Two months ago I came over light-headed at the "
        "end of a parkrun. Not had a single dizzy moment since. Stretches for the upper back?",
        "X-ray clear, physio cleared me. Six weeks ago I slipped on ice and landed on my back. "
        "Now it's ordinary upper back tightness, like I used to get before the fall.",
        "I collided with a runner last autumn. A doctor examined me the week after the "
        "collision and found no damage. Upper back drills?",
    ],
)
def test_an_episode_long_over_and_checked_is_not_current_in_any_order(
    matcher: Matcher, text: str
) -> None:
    assert flag_of(matcher, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Back in March the GP said my heart was fine. Today I had chest pain on the hill rep.",
        "Last year I fainted and the doctor found nothing. I fainted again on Sunday, back sore.",
        "In June I fell, X-ray clear. I have numbness in my left hand now, upper back sore.",
        "Last year I fell and the X-ray was fine. I fell on the ice last week and my back hurts.",
        "Back in March I started getting chest tightness on runs. The doctor said my ECG was "
        "normal. It keeps happening every week.",
        "In May I had numbness in my hand, the GP said it was fine. It has come back since "
        "Sunday, upper back sore.",
    ],
)
def test_a_new_episode_after_a_checked_one_is_a_report(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Upper back sore after intervals - numbness in arms or legs: none. Weakness: none.",
        "Dizzy? No. Faint? Definitely not. Sore upper back? Very much yes.",
        "Upper back ache stays put - nothing into my arms, neck or jaw.",
        "Not had a single dizzy moment since, and I eat before runs now. Upper back sore.",
        "My doctor checked my heart and blood pressure, all normal. Upper back achy.",
        "If a runner falls and then complains of back pain, should marshals move them? I want "
        "to get it right for our first-aid notes.",
        "For a club talk on injuries. Is numbness in the arms with back pain a reason to send "
        "someone to a doctor?",
        "Dizzy heights of third on the club leaderboard! Upper back's paying for it.",
    ],
)
def test_more_denials_and_questions_for_everyone(matcher: Matcher, text: str) -> None:
    assert flag_of(matcher, text) is None


def test_fearing_a_checked_episode_comes_back_is_not_a_report(matcher: Matcher) -> None:
    assert (
        flag_of(
            matcher,
            "Back in March I had chest pain, the ECG was clear. I'm scared it will come back, "
            "and I keep waiting for it to happen again. Upper back stretches?",
        )
        is None
    )
