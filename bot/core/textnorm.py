"""Text normalisation shared by triage and matching: clean, tokenise, stem.

Discord syntax (mentions, custom emoji, links, markdown) and invisible characters are
removed, so what is left is the words a member wrote.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

MAX_CHARS = 2000  # longer messages are cut: a question never needs more

INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_DISCORD = re.compile(r"<a?:\w+:\d+>|<[@#][!&]?\d+>|</[\w -]+:\d+>|<t:\d+(?::\w)?>")
_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION_WORDS = re.compile(r"@(everyone|here)\b")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": " ", "\u00b4": "'"})
_NON_TEXT = re.compile(r"[^a-z0-9' ?!.,:;/\-]+")
_BRACKETS = re.compile(r"[()\[\]]")  # a remark in brackets is a clause of its own
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[0-9]+\.[0-9]+|[a-z0-9]+(?:'[a-z]+)?|[.?!;]+|,")
SENTENCE_END = frozenset(".?!;")

_CONTRACTIONS = {
    "can't": "cannot",
    "won't": "will not",
    "shan't": "shall not",
    "i'm": "i am",
    "it's": "it is",
    "what's": "what is",
    "that's": "that is",
    "there's": "there is",
    "i've": "i have",
    "i'd": "i would",
    "i'll": "i will",
    "you're": "you are",
    "they're": "they are",
    "let's": "let us",
    "who'd": "who had",
    "he'd": "he had",
    "she'd": "she had",
    "they'd": "they had",
    "we'd": "we had",
}

# Texting shorthand and apostrophe-less contractions, spelt out before anything else reads
# the words: "y shud i rest rn" is "why should i rest right now".
TEXTING = {
    "u": "you",
    "ur": "your",
    "y": "why",
    "r": "are",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "shud": "should",
    "shld": "should",
    "cud": "could",
    "wud": "would",
    "pls": "please",
    "plz": "please",
    "bc": "because",
    "bcos": "because",
    "bcoz": "because",
    "cos": "because",
    "coz": "because",
    "cuz": "because",
    "rn": "right now",
    "tbh": "to be honest",
    "idk": "i do not know",
    "dunno": "do not know",
    "abt": "about",
    "ppl": "people",
    "b4": "before",
    "thx": "thanks",
    "tho": "though",
    "thru": "through",
    "smth": "something",
    "sth": "something",
    "probs": "probably",
    "def": "definitely",
    "imo": "in my opinion",
    "imho": "in my opinion",
    "atm": "at the moment",
    "asap": "as soon as possible",
    "hrs": "hours",
    "mins": "minutes",
    "wk": "week",
    "wks": "weeks",
    "yr": "year",
    "yrs": "years",
    "dr": "doctor",
    "im": "i am",
    "ive": "i have",
    "cant": "cannot",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "wasnt": "was not",
    "arent": "are not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "wont": "will not",
    "aint": "is not",
    "outta": "out of",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "kinda": "kind of",
    "sorta": "sort of",
}

STOPWORDS = frozenset(
    """a about above after again against all am an and any anyone anything are as at be
    because been being below between both but by can cannot could did do does doing done
    down during each else ever every few for from further get gets getting got had has have
    having he her here hers him his how i if in into is it its itself just lot lots me
    more most much my myself no nor not now of off on once only or other our ours out over
    own really same she should so some someone something still such than that the their
    them then there these they this those through to too under until up us very was we
    were what where which while who whom will with would you your yours yourself
    ok okay pls please hi hey hello thanks thank guys everyone anybody also maybe kind
    sort bit quite lately today yesterday week weekend tomorrow always usually often
    sometimes make makes making made go goes going went gone know thing
    things way ways will shall may might must im ive id dont doesnt didnt isnt wont cant
    whats thats theres youre""".split()
)


def clean(text: str) -> str:
    """Lower-case plain words: Discord syntax, links, markdown and control characters removed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2])
    text = INVISIBLE.sub("", text)
    text = _DISCORD.sub(" ", text)
    text = _URL.sub(" ", text)
    text = text.translate(_QUOTES).lower()
    text = _MENTION_WORDS.sub(" ", text)
    text = _BRACKETS.sub(" , ", text)
    text = _NON_TEXT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()[:MAX_CHARS]


def marked_tokens(text: str) -> list[str]:
    """Word tokens of cleaned text, with sentence ends (``.?!;``) and commas kept as tokens.

    Contractions and texting shorthand are spelt out (can't -> cannot, n't -> not,
    u -> you), and "/" and "-" separate words ("10/10" is "10 10", "x-ray" is "x ray").
    """
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if tok[0].isdigit() and "." in tok:
            tok = tok.split(".")[0]  # 39.2 degrees is 39, and not the end of a sentence
        if tok[0] in SENTENCE_END:
            out.append(tok[0])
            continue
        if "'" in tok:
            if tok in _CONTRACTIONS:
                out.extend(_CONTRACTIONS[tok].split())
                continue
            if tok.endswith("n't"):
                out.extend((tok[:-3], "not"))
                continue
            tok = tok.split("'")[0]
        expanded = TEXTING.get(tok)
        if expanded is not None:
            out.extend(expanded.split())
        else:
            out.append(tok)
    return out


def tokens(text: str) -> list[str]:
    """The words of cleaned text, as ``marked_tokens`` reads them, without the marks."""
    return [t for t in marked_tokens(text) if t[0].isalnum()]


def is_word(token: str) -> bool:
    return token[0].isalnum()


_SNOWBALL = Stemmer.Stemmer("english")


# Irregular forms Snowball leaves apart, among the verbs symptoms are told with: "gave way"
# and "giving way", "the room spun" and "spinning", "it tore" and "tearing".
IRREGULAR = {
    "gave": "give",
    "given": "give",
    "spun": "spin",
    "swam": "swim",
    "swum": "swim",
    "tore": "tear",
    "torn": "tear",
    "shook": "shake",
    "shaken": "shake",
}


@lru_cache(maxsize=32768)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem: stretches/stretching/stretched -> stretch; an
    irregular form first becomes its verb (gave -> give)."""
    return str(_SNOWBALL.stemWord(IRREGULAR.get(word, word)))
