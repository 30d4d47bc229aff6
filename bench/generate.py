"""Synthetic gardens for benchmarks: N deterministic, realistic-looking notes.

    python bench/generate.py 10000 /tmp/garden-10k [--seed 7] [--plain-links] [--jobs N]

Writes N notes in nested folders, each with front-matter (title, tags, some
aliases, stage, dates) and a body of prose, headings, lists, tables, code,
math and callouts, with 2–10 wikilinks whose targets follow a Zipf law (a few
notes collect hundreds of backlinks). About one note in 200 has one link to a
note that does not exist. `manifest.json` in OUT_DIR records what a build
should find: notes, links, broken links, backlinks per note.

Two passes: a cheap sequential *plan* of every note (names, headings, link
targets), which is all another note needs to link to it; then the bodies,
written in parallel, each from its own seeded RNG. So the same seed gives the
same bytes whatever --jobs is.

`--plain-links` writes the same notes with standard Markdown links to the
target's file and plain blockquotes for callouts, for tools without
wikilinks (Hugo, MkDocs).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import multiprocessing
import os
import posixpath
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

# --- vocabulary ---------------------------------------------------------------------------------
# A fixed, technical-sounding vocabulary. Words are plain lowercase ASCII letters, so titles,
# headings and their slugs are the same in every tool. "missing" and "index" are deliberately
# absent: "Missing …" names the broken links, and "index" would make a folder page.

NOUNS = """
abstraction accumulator actor adapter address agent algorithm allocation allocator anchor anomaly
answer approach archive argument array assumption attention audit backlog balance bandwidth barrier
baseline batch benchmark bias binding bit block boundary branch budget buffer bug builder bundle
cache calendar capacity cascade catalog channel checkpoint chunk circuit claim class client clock
cluster codec cohort collision column commit compiler component compression concept condition
connection consensus constraint consumer container context contract controller counter coupling
cursor curve cycle daemon dashboard database dataset deadline decision decoder default delta
dependency deployment design detail device diagram dictionary digest dimension directory dispatcher
distribution document domain draft driver edge effect element embedding encoder endpoint engine
entropy entry environment epoch error estimate event evidence exception experiment exponent
expression factor failure feature feedback field file filter fixture flag flow fork format fraction
frame framework frontier function gate gateway gradient graph grid guard habit handle handler
harness hash header heap heuristic hierarchy histogram horizon host hypothesis identity image
increment indicator inference input insight instance integer interface interval invariant iterator
journal kernel key label lattice layer layout leader lease ledger lens level library limit line
link listener loader locality lock log loop manifest map margin market matrix measure memory merge
message method metric migration model module monitor mutex network node norm notebook object
observer offset operator optimizer option oracle order outcome outline output owner packet page
parameter parser partition pattern payload peer pipeline pivot plan platform pointer policy pool
port posterior predicate prefix principle prior priority probe process producer profile program
projection prompt property protocol proxy puzzle quantile query queue quorum range rate ratio reader
reason record reducer reference region register registry relation release replica report request
resolver resource response result retry review ring risk role root route router rule runtime sample
scale schedule schema scope score script segment selector semaphore sensor sequence server service
session shard signal signature simulation sketch slice snapshot socket solver source span spec
spectrum stack stage standard state statement stream string structure subscriber suffix summary
surface switch symbol syntax system table target task template tensor test thread threshold ticket
timeline timer token topic trace tracker tradeoff transaction transform tree trigger tuple type
unit update user validator value variable variance vector version vertex view volume vote wave
weight window worker workflow workload writer
""".split()

ADJECTIVES = """
abstract accurate adaptive adjacent aggressive agile ambient ancient atomic automatic balanced basic
biased binary blocking bounded brittle broad careful casual central cheap clean clear clever closed
coarse cold compact complete complex concrete concurrent conditional consistent constant continuous
convex correct costly critical crude curious dense deterministic diffuse direct discrete distant
distributed dominant durable dynamic eager early efficient elastic empty encrypted endless explicit
external fair familiar fast fixed flat flexible fragile frequent fresh frozen fuzzy generic global
graceful greedy hidden hierarchical honest hot hybrid idle immutable implicit incremental independent
indirect inferred informal initial inner invisible isolated iterative lazy lean linear local logical
lossy loud marginal minimal mutable naive narrow native nested noisy nominal normal obscure offline
online opaque open optimal optional orderly organic orthogonal parallel partial passive persistent
physical plain portable precise primary private probable quiet random rapid rare raw reactive
recursive redundant regular reliable remote robust rough safe scalable sealed secondary sequential
shallow shared sharp silent simple skewed slow smooth soft sparse stable stale static steady strict
strong subtle sudden symmetric synthetic tacit tight transient transparent uniform unstable urgent
useful valid verbose virtual visible volatile warm weak wide
""".split()

# (third person, base form)
VERBS = [(v[:-1] + "ies", v) if v.endswith("y") and v[-2] not in "aeiou" else
         ((v + "es", v) if v.endswith(("s", "sh", "ch", "x", "z")) else (v + "s", v)) for v in """
absorb accept adapt aggregate align allocate amplify anchor approximate assume balance batch bound
break buffer build cache capture carry change check clarify collapse combine compare compile
compress compute connect constrain contain convert copy couple cover create decide decode define
degrade delay deliver depend derive describe detect distort divide dominate drain drive encode
enforce estimate evaluate evict expand explain expose extend fail filter flatten follow force frame
govern guard guide handle hide improve increase inform isolate limit load lower maintain map measure
merge migrate mirror model narrow normalize observe order organize outlast overlap partition pay
persist predict prefer preserve prevent protect prune push raise reach read reduce refine reflect
reject release repair replace represent require reshape resolve reveal reward route sample scale
schedule score select separate serialize shape share shift shrink signal simplify slow smooth solve
split stabilize store stretch summarize support sustain tolerate trace track trade transform trigger
tune unify update validate widen write
""".split()]

ADVERBS = """
quickly slowly quietly rarely often usually eventually gradually sharply roughly barely mostly
largely directly implicitly explicitly reliably cheaply safely lazily eagerly silently steadily
predictably surprisingly naturally carefully
""".split()

OPENERS = [
    "In practice,", "However,", "In other words,", "As a rule,", "At scale,", "Over time,", "Meanwhile,",
    "For this reason,", "Surprisingly,", "In the worst case,", "On average,", "By contrast,", "Put simply,",
    "Under load,", "In a small system,", "Later,", "Even so,", "Most of the time,",
]

# Sentence shapes: N noun, P plural noun, A adjective, V verb (3rd person), B verb (base),
# D adverb, O opener, M a number. Everything else is literal.
SENTENCES = [
    "the A N V the P of every N", "O the N D V the A N", "most P B the N, but the A N V",
    "a N is only as A as its N", "if the N V, the P B D", "we B the N to B the P",
    "each N V M P per N", "O a A N V the N", "P that B D tend to B the A N",
    "the N of the N V the A N", "think of the N as a A N that V P", "nobody can B P without a A N",
    "without a A N, the P B D", "the tradeoff is between A P and a A N", "in a A N, P B the N",
    "O the N V when the N V", "a A N V M P before the N V", "the real N is the N, not the N",
    "it helps to B the N before you B the P", "O P B the N and the N V", "why does the A N B the P",
    "what happens to the N when the P B", "the N V D, so the P B the A N",
    "a good N V the N and V the A P", "O the A P B D once the N V",
]

INLINE_MATH = ["$x^2$", r"$O(n \log n)$", r"$\alpha + \beta$", r"$\frac{a}{b}$", r"$p(x \mid y)$",
               r"$\sqrt{n}$", r"$e^{-\lambda t}$", r"$\sum_i w_i$", r"$n^2$", r"$\log_2 k$"]
DISPLAY_MATH = [
    r"$$\sum_{i=1}^n i = \frac{n(n+1)}{2}$$",
    r"$$p(\theta \mid x) = \frac{p(x \mid \theta)\, p(\theta)}{p(x)}$$",
    r"$$\mathbb{E}[X] = \sum_{x} x \, p(x)$$",
    r"$$H(X) = -\sum_{i} p_i \log p_i$$",
    r"$$T(n) = 2T(n/2) + O(n)$$",
    r"$$\lambda = \frac{1}{\mu - \rho}$$",
]

CODE = {
    "python": [
        "def {f}({a}, {b}={m}):\n    \"\"\"{A} {n} helper.\"\"\"\n    {c} = [{a} * i for i in range({b})]\n"
        "    if not {c}:\n        return None\n    return sum({c}) / len({c})\n\n\nprint({f}({m2}))",
        "from dataclasses import dataclass\n\n\n@dataclass(frozen=True)\nclass {C}:\n    {a}: int\n"
        "    {b}: str = \"{n}\"\n\n    def {f}(self) -> int:\n        return self.{a} * {m}",
        "import collections\n\n{c} = collections.Counter()\nfor {a} in open(\"{n}.log\"):\n"
        "    {c}[{a}.split()[0]] += 1\nprint({c}.most_common({m}))",
    ],
    "rust": [
        "fn {f}({a}: &[u64]) -> u64 {{\n    {a}.iter().filter(|x| **x > {m}).sum()\n}}\n\nfn main() {{\n"
        "    let {b} = vec![{m}, {m2}, 3];\n    println!(\"{{}}\", {f}(&{b}));\n}}",
        "pub struct {C} {{\n    {a}: Vec<u32>,\n    {b}: usize,\n}}\n\nimpl {C} {{\n"
        "    pub fn {f}(&mut self, x: u32) {{\n        self.{a}.push(x);\n        self.{b} += 1;\n    }}\n}}",
    ],
    "js": [
        "export function {f}({a}, {b} = {m}) {{\n  const {c} = new Map();\n  for (const x of {a}) {{\n"
        "    {c}.set(x.id, ({c}.get(x.id) ?? 0) + {b});\n  }}\n  return {c};\n}}",
        "const {c} = await fetch(`/api/{n}?limit={m}`)\n  .then((r) => r.json())\n"
        "  .catch(() => []);\nconsole.log({c}.length);",
    ],
    "bash": [
        "#!/usr/bin/env bash\nset -euo pipefail\nfor {a} in {n}/*.log; do\n"
        "  grep -c \"{b}\" \"${a}\" || true\ndone | sort -n | tail -{m}",
        "export {C}_LIMIT={m}\n./{f} --{n} \"${{{C}_LIMIT}}\" --dry-run\necho \"done: $?\"",
    ],
    "sql": [
        "SELECT {a}, COUNT(*) AS {b}\nFROM {n}\nWHERE {c} > {m}\nGROUP BY {a}\nORDER BY {b} DESC\nLIMIT {m2};",
        "CREATE TABLE {n} (\n  id INTEGER PRIMARY KEY,\n  {a} TEXT NOT NULL,\n  {b} REAL DEFAULT {m}\n);\n"
        "CREATE INDEX {n}_{a} ON {n} ({a});",
    ],
}

CALLOUTS = ["note", "tip", "warning", "info", "example", "question", "abstract", "danger"]

AREAS = {  # top-level folder -> subfolders; a subfolder "x/y" is two levels below the area
    "ai-systems": ["inference", "training", "retrieval", "inference/serving", "training/data"],
    "distributed-systems": ["consensus", "storage", "networking", "storage/indexes", "consensus/raft"],
    "programming": ["python", "rust", "testing", "tooling", "python/packaging"],
    "mathematics": ["probability", "linear-algebra", "statistics", "probability/bayes"],
    "mental-models": ["decisions", "systems-thinking", "learning"],
    "reading": ["books", "papers", "papers/databases"],
    "writing": ["drafts", "craft"],
    "projects": ["garden", "experiments", "experiments/benchmarks"],
}
TAG_ROOTS = {
    "ml": ["transformers", "optimization", "evaluation", "retrieval"],
    "systems": ["caching", "storage", "scheduling", "networking", "reliability"],
    "math": ["probability", "algebra", "statistics"],
    "programming": ["python", "rust", "testing", "performance"],
    "thinking": ["models", "decisions", "learning"],
    "reading": ["books", "papers"],
    "writing": [],
    "project": [],
}
STAGES = ["seedling"] * 5 + ["budding"] * 3 + ["evergreen"] * 2
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null"}  # an alias "OFF" would read as false
VERSION = 1  # bump when the output changes for a given seed, so kept gardens are regenerated
BROKEN_EVERY = 200  # one note in this many has one broken link
ZIPF_EXPONENT = 1.0  # link popularity: the k-th most popular note is linked ~1/k as often as the first


# --- the plan -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LinkPlan:
    """One link as written: `[[inner]]`, or `[label](relative path#anchor)` with --plain-links."""

    target: int  # note number, or -1 for a broken link
    target_rel: str  # the target's file, relative to the garden
    inner: str  # what goes between [[ and ]]
    label: str  # visible text of the plain Markdown link
    anchor: str  # heading slug for plain links, or ""
    form: str  # title | label | alias | heading | path | broken


@dataclass(frozen=True)
class NotePlan:
    number: int
    rel: str  # "area/sub/Title Words.md"
    title: str
    aliases: tuple[str, ...]
    tags: tuple[str, ...]
    stage: str
    created: dt.date
    updated: dt.date
    headings: tuple[tuple[int, str], ...]  # (level 2 or 3, text), unique in the note
    links: tuple[LinkPlan, ...]
    words: int  # prose words to write


def title_case(words: list[str]) -> str:
    small = {"of", "as", "in", "and", "for", "the", "a", "an"}
    return " ".join(w if i and w in small else w.capitalize() for i, w in enumerate(words))


def make_title(rng: random.Random) -> str:
    shape = rng.random()
    n, a = rng.choice(NOUNS), rng.choice(ADJECTIVES)
    if shape < 0.35:
        words = [a, n]
    elif shape < 0.6:
        words = [a, rng.choice(NOUNS), n]
    elif shape < 0.75:
        words = [rng.choice(NOUNS), n]
    elif shape < 0.87:
        words = [n, "of", a, plural(rng.choice(NOUNS))]
    else:
        other = rng.choice(NOUNS)
        words = [a, n, "as", "an" if other[0] in "aeiou" else "a", other]
    return title_case(words)


def plural(noun: str) -> str:
    if noun == "epoch":
        return "epochs"
    if noun.endswith(("s", "sh", "ch", "x", "z")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def name_key(name: str) -> str:
    """How wikilink names compare (case-insensitive, spaces/dashes/underscores alike)."""
    return " ".join(name.lower().replace("-", " ").replace("_", " ").split())


def heading_slug(text: str) -> str:
    """The common heading id of garden, Hugo and MkDocs for plain ASCII words."""
    return "-".join(text.lower().split())


def folders() -> list[str]:
    out = []
    for area, subs in AREAS.items():
        out.append(area)
        out.extend(f"{area}/{sub}" for sub in subs)
    return out


def all_tags() -> list[str]:
    return [t for root, subs in TAG_ROOTS.items() for t in ([root] if not subs else [f"{root}/{s}" for s in subs])]


def plan_garden(n: int, seed: int) -> list[NotePlan]:
    """Names, headings and links of every note; sequential and cheap (no prose)."""
    rng = random.Random(f"garden-plan/{seed}")
    folder_list = folders()
    folder_weights = list(itertools.accumulate(rng.uniform(0.5, 3.0) for _ in folder_list))
    tag_list = all_tags()
    tag_weights = list(itertools.accumulate(1.0 / (i + 1) ** 0.7 for i in range(len(tag_list))))
    rng.shuffle(tag_list)
    taken: set[str] = set()  # name keys of every title and alias, so every name resolves to one note

    def fresh(make) -> str:
        while True:
            name = make()
            key = name_key(name)
            if key not in taken and "missing" not in key.split():
                taken.add(key)
                return name

    notes = []
    start = dt.date(2019, 1, 1)
    for number in range(n):
        title = fresh(lambda: make_title(rng))
        aliases: list[str] = []
        if rng.random() < 0.25:
            words = title.split()
            initials = "".join(w[0] for w in words if w[0].isupper()).upper()
            key = name_key(initials)
            if len(initials) >= 3 and key not in taken and key not in _YAML_WORDS:
                taken.add(key)
                aliases.append(initials)
            if not aliases or rng.random() < 0.4:
                aliases.append(fresh(lambda: title_case([rng.choice(ADJECTIVES), rng.choice(NOUNS),
                                                         rng.choice(NOUNS)])))
        folder = folder_list[bisect.bisect(folder_weights, rng.random() * folder_weights[-1])]
        tags = sorted({tag_list[bisect.bisect(tag_weights, rng.random() * tag_weights[-1])]
                       for _ in range(rng.randint(1, 4))})
        created = start + dt.timedelta(days=rng.randrange(6 * 365))
        updated = created + dt.timedelta(days=rng.randrange(600))
        headings: list[tuple[int, str]] = []
        seen: set[str] = set()
        for i in range(rng.randint(3, 7)):
            level = 3 if i and headings[-1][0] >= 2 and rng.random() < 0.3 else 2
            while True:
                text = heading_text(rng)
                if heading_slug(text) not in seen:
                    seen.add(heading_slug(text))
                    break
            headings.append((level, text))
        notes.append(NotePlan(number, f"{folder}/{title}.md", title, tuple(aliases), tuple(tags),
                              rng.choice(STAGES), created, updated, tuple(headings), (), rng.randint(300, 1500)))
    return _add_links(notes, rng)


def heading_text(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.3:
        words = [rng.choice(ADJECTIVES), plural(rng.choice(NOUNS))]
    elif shape < 0.55:
        words = ["why", plural(rng.choice(NOUNS)), rng.choice(VERBS)[1]]
    elif shape < 0.75:
        words = ["the", rng.choice(NOUNS), "of", rng.choice(NOUNS)]
    elif shape < 0.9:
        words = ["when", "to", rng.choice(VERBS)[1], "the", rng.choice(NOUNS)]
    else:
        words = [rng.choice(NOUNS), "and", rng.choice(NOUNS)]
    return " ".join(words).capitalize()


def _add_links(notes: list[NotePlan], rng: random.Random) -> list[NotePlan]:
    n = len(notes)
    popularity = list(range(n))  # rank -> note number; a random order, so popular notes are scattered
    rng.shuffle(popularity)
    weights = list(itertools.accumulate(1.0 / (k + 1) ** ZIPF_EXPONENT for k in range(n)))
    broken = set(rng.sample(range(n), max(1, n // BROKEN_EVERY))) if n else set()
    out = []
    for note in notes:
        links: list[LinkPlan] = []
        for _ in range(rng.randint(2, 10) if n > 1 else 0):
            while True:
                target = popularity[bisect.bisect(weights, rng.random() * weights[-1])]
                if target != note.number:
                    break
            links.append(_link_to(notes[target], rng))
        if note.number in broken:
            name = "Missing " + title_case([rng.choice(ADJECTIVES), rng.choice(NOUNS)])
            links.insert(rng.randrange(len(links) + 1),
                         LinkPlan(-1, f"{name}.md", name, name, "", "broken"))
        out.append(replace(note, links=tuple(links)))
    return out


def _link_to(target: NotePlan, rng: random.Random) -> LinkPlan:
    form = rng.random()
    title, rel = target.title, target.rel
    if form < 0.12 and target.aliases:
        alias = rng.choice(target.aliases)
        return LinkPlan(target.number, rel, alias, alias, "", "alias")
    if form < 0.24:
        _, heading = rng.choice(target.headings)
        return LinkPlan(target.number, rel, f"{title}#{heading}", heading, heading_slug(heading), "heading")
    if form < 0.36:
        label = f"{rng.choice(ADJECTIVES)} {plural(rng.choice(NOUNS))}"
        return LinkPlan(target.number, rel, f"{title}|{label}", label, "", "label")
    if form < 0.42:
        return LinkPlan(target.number, rel, rel[: -len(".md")], title, "", "path")
    return LinkPlan(target.number, rel, title, title, "", "title")


# --- the prose ----------------------------------------------------------------------------------

# Word pools for the sentence slots.
_POOLS = {
    "N": NOUNS, "P": [plural(n) for n in NOUNS], "A": ADJECTIVES, "V": [v[0] for v in VERBS],
    "B": [v[1] for v in VERBS], "D": ADVERBS, "O": OPENERS,
    "M": ["2", "3", "4", "8", "10", "16", "32", "64", "100", "128", "1000"],
}


@dataclass(frozen=True)
class _Shape:
    """A sentence shape compiled once: slots to fill and where commas, articles and markup go."""

    words: tuple[tuple[list[str] | None, str], ...]  # (pool to draw from, or None for the literal)
    commas: tuple[int, ...]
    articles: tuple[int, ...]  # positions of a literal "a" before a slot: "an" before a vowel
    codeable: tuple[int, ...]  # noun slots, for `code_spans`
    boldable: tuple[int, ...]
    italicable: tuple[int, ...]
    question: bool


def _compile(shape: str) -> _Shape:
    tokens = shape.split()
    slots = [t.rstrip(",") for t in tokens]
    return _Shape(
        tuple((_POOLS.get(t), t) for t in slots),
        tuple(i for i, t in enumerate(tokens) if t.endswith(",")),
        tuple(i for i, t in enumerate(slots[:-1]) if t == "a" and slots[i + 1] in _POOLS),
        tuple(i for i, t in enumerate(slots) if t in ("N", "P")),
        tuple(i for i, t in enumerate(slots) if t in ("N", "A")),
        tuple(i for i, t in enumerate(slots) if t in ("A", "D")),
        slots[0] in ("why", "what"),
    )


_SHAPES = [_compile(s) for s in SENTENCES]


class Writer:
    """The body of one note, from its own RNG."""

    def __init__(self, plan: NotePlan, seed: int, plain: bool):
        self.plan = plan
        self.rng = random.Random(f"garden-note/{seed}/{plan.number}")
        self.plain = plain
        self.words = 0

    def sentence(self) -> str:
        # The hot loop of the generator: draws with random() and indexing, not rng.choice.
        rand = self.rng.random
        shape = _SHAPES[int(rand() * len(_SHAPES))]
        words = [literal if pool is None else pool[int(rand() * len(pool))] for pool, literal in shape.words]
        for i in shape.articles:
            if words[i + 1][0] in "aeiou":
                words[i] = "an"
        words[0] = words[0][0].upper() + words[0][1:]
        roll = rand()
        if roll < 0.12 and shape.codeable:
            i = shape.codeable[int(rand() * len(shape.codeable))]
            words[i] = f"`{words[i]}_{NOUNS[int(rand() * len(NOUNS))]}`"
        elif roll < 0.22 and shape.boldable:
            i = shape.boldable[int(rand() * len(shape.boldable))]
            words[i] = f"**{words[i]}**"
        elif roll < 0.32 and shape.italicable:
            i = shape.italicable[int(rand() * len(shape.italicable))]
            words[i] = f"*{words[i]}*"
        for i in shape.commas:
            words[i] += ","
        self.words += len(words)
        text = " ".join(words)
        if rand() < 0.03:
            text += ", roughly " + INLINE_MATH[int(rand() * len(INLINE_MATH))]
        return text + ("?" if shape.question else ".")

    def link(self, link: LinkPlan) -> str:
        if not self.plain:
            return f"[[{link.inner}]]"
        here = posixpath.dirname(self.plan.rel)
        path = quote(posixpath.relpath(link.target_rel, here) if link.target >= 0 else link.target_rel)
        return f"[{link.label}]({path}{'#' + link.anchor if link.anchor else ''})"

    def link_sentence(self, link: LinkPlan) -> str:
        ref = self.link(link)
        shape = self.rng.randrange(5)
        self.words += 4
        if shape == 0:
            return f"See {ref} for the longer story."
        if shape == 1:
            return f"This is where {ref} comes in."
        if shape == 2:
            return self.sentence()[:-1] + f" (see {ref})."
        if shape == 3:
            return f"Compare with {ref}, which {self.rng.choice(VERBS)[0]} the {self.rng.choice(NOUNS)}."
        return f"{ref} {self.rng.choice(VERBS)[0]} the same {self.rng.choice(NOUNS)}."

    def paragraph(self, links: list[LinkPlan], size: int) -> str:
        sentences = [self.sentence() for _ in range(size)]
        for link in links:
            sentences.insert(self.rng.randrange(len(sentences) + 1), self.link_sentence(link))
        return " ".join(sentences)

    def bullet_list(self, links: list[LinkPlan]) -> str:
        rng = self.rng
        ordered = rng.random() < 0.3
        items = [self.sentence() for _ in range(rng.randint(3, 6))]
        for link in links:
            items.insert(rng.randrange(len(items) + 1), self.link_sentence(link))
        lines = []
        for i, item in enumerate(items, 1):
            lines.append(f"{i}. {item}" if ordered else f"- {item}")
            if not ordered and rng.random() < 0.15:
                lines.append(f"  - {self.sentence()}")
        return "\n".join(lines)

    def callout(self, links: list[LinkPlan]) -> str:
        rng = self.rng
        kind = rng.choice(CALLOUTS)
        title = title_case([rng.choice(ADJECTIVES), rng.choice(NOUNS)])
        self.words += 2
        body = self.paragraph(links, rng.randint(1, 3))
        if self.plain:
            return f"> **{title}**\n>\n> {body}"
        fold = rng.choice(("", "", "-", "+"))
        return f"> [!{kind}]{fold} {title}\n> {body}"

    def table(self) -> str:
        rng = self.rng
        columns = rng.randint(3, 5)
        header = [title_case([rng.choice(NOUNS)]) for _ in range(columns)]
        lines = ["| " + " | ".join(header) + " |",
                 "| " + " | ".join("---:" if i and rng.random() < 0.4 else "---" for i in range(columns)) + " |"]
        for _ in range(rng.randint(3, 8)):
            cells = [rng.choice(ADJECTIVES) + " " + rng.choice(NOUNS)]
            cells += [str(rng.randint(1, 9999)) if rng.random() < 0.5 else rng.choice(ADJECTIVES)
                      for _ in range(columns - 1)]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def code(self) -> str:
        rng = self.rng
        language = rng.choice(list(CODE))
        noun = rng.choice(NOUNS)
        text = rng.choice(CODE[language]).format(
            f=f"{rng.choice(VERBS)[1]}_{noun}", a=rng.choice(NOUNS), b=f"{rng.choice(NOUNS)}_count",
            c=f"{noun}s", n=rng.choice(NOUNS), m=rng.randint(2, 64), m2=rng.randint(2, 999),
            C=noun.capitalize() + rng.choice(NOUNS).capitalize(), A=rng.choice(ADJECTIVES).capitalize())
        return f"```{language}\n{text}\n```"

    def body(self) -> str:
        """Intro, then one section per planned heading; links land in random prose blocks."""
        rng, plan = self.rng, self.plan
        budget = plan.words
        sections: list[list[tuple[str, int]]] = [[("p", 0)]]  # (kind, sentences) per section, intro first
        for _ in plan.headings:
            blocks = [("p", 0)]
            roll = rng.random()
            if roll < 0.25:
                blocks.append(("list", 0))
            elif roll < 0.4:
                blocks.append(("code", 0))
            elif roll < 0.5:
                blocks.append(("table", 0))
            elif roll < 0.6:
                blocks.append(("callout", 0))
            elif roll < 0.67:
                blocks.append(("math", 0))
            sections.append(blocks)
        # Spend the word budget (about 9 words a sentence) on paragraphs of a few sentences;
        # every section gets one, the rest land in random sections.
        total = max(1, budget // 9)
        count = max(len(sections), round(total / rng.uniform(3.5, 5.5)))
        sizes = [1] * count
        for i in rng.choices(range(count), k=max(0, total - count)):
            sizes[i] += 1
        for i, size in enumerate(sizes):
            s = i if i < len(sections) else rng.randrange(len(sections))
            blocks = sections[s]
            if blocks[0] == ("p", 0):
                blocks[0] = ("p", size)
            else:
                blocks.insert(1, ("p", size))
        carriers = [(s, b) for s, blocks in enumerate(sections) for b, kind in enumerate(blocks)
                    if kind[0] in ("p", "list", "callout")]
        placed: dict[tuple[int, int], list[LinkPlan]] = {}
        for link in plan.links:
            placed.setdefault(rng.choice(carriers), []).append(link)

        tag_line = not self.plain and rng.random() < 0.2  # an inline #tag, one of the note's own
        out = []
        for s, blocks in enumerate(sections):
            if s:
                level, text = plan.headings[s - 1]
                out.append("#" * level + " " + text)
            for b, (kind, size) in enumerate(blocks):
                links = placed.get((s, b), [])
                if kind == "p":
                    text = self.paragraph(links, max(1, size))
                    if s == 0 and b == 0 and tag_line:
                        text += f" #{rng.choice(plan.tags)}"
                    out.append(text)
                elif kind == "list":
                    out.append(self.bullet_list(links))
                elif kind == "callout":
                    out.append(self.callout(links))
                elif kind == "table":
                    out.append(self.table())
                elif kind == "code":
                    out.append(self.code())
                else:
                    out.append(rng.choice(DISPLAY_MATH))
        return "\n\n".join(out) + "\n"

    def note(self) -> str:
        plan = self.plan
        lines = ["---", f"title: {plan.title}"]
        if plan.aliases:
            lines.append("aliases:")
            lines.extend(f"  - {alias}" for alias in plan.aliases)
        lines.append("tags:")
        lines.extend(f"  - {tag}" for tag in plan.tags)
        lines += [f"stage: {plan.stage}", f"created: {plan.created.isoformat()}",
                  f"updated: {plan.updated.isoformat()}", "---", ""]
        return "\n".join(lines) + self.body()


def render_note(plan: NotePlan, seed: int, plain: bool) -> tuple[str, int]:
    """The note's text and its prose word count."""
    writer = Writer(plan, seed, plain)
    return writer.note(), writer.words


# --- writing ------------------------------------------------------------------------------------

_job: tuple[Path, int, bool] | None = None


def _init(out: Path, seed: int, plain: bool) -> None:
    global _job
    _job = (out, seed, plain)


def _write_chunk(plans: list[NotePlan]) -> list[int]:
    out, seed, plain = _job
    words = []
    for plan in plans:
        text, count = render_note(plan, seed, plain)
        (out / plan.rel).write_text(text, encoding="utf-8")
        words.append(count)
    return words


def manifest(plans: list[NotePlan], words: list[int], seed: int, plain: bool) -> dict:
    backlinks = {plan.rel: 0 for plan in plans}
    forms: Counter[str] = Counter()
    for plan in plans:
        forms.update(link.form for link in plan.links)
        for target in {link.target_rel for link in plan.links if link.target >= 0}:
            backlinks[target] += 1  # distinct linking notes, as a backlinks list shows them
    top = sorted(backlinks.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    return {
        "generator": "bench/generate.py",
        "version": VERSION,
        "seed": seed,
        "plain_links": plain,
        "notes": len(plans),
        "folders": len({posixpath.dirname(p.rel) for p in plans}),
        "words": sum(words),
        "links": sum(forms.values()),
        "links_by_form": dict(sorted(forms.items())),
        "broken_links": forms["broken"],
        "notes_with_broken_links": sorted(p.rel for p in plans if any(l.target < 0 for l in p.links)),
        "aliases": sum(len(p.aliases) for p in plans),
        "tags": sorted({t for p in plans for t in p.tags}),
        "top_backlinks": [{"note": rel, "backlinks": n} for rel, n in top],
        "backlinks": backlinks,
    }


def generate(n: int, out: Path, seed: int = 1, plain: bool = False, jobs: int | None = None) -> dict:
    """Write the garden into `out`, a new or empty folder, and return the manifest."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        # Old notes left beside new ones would silently change every count.
        raise SystemExit(f"generate: {out} is not an empty folder; choose a new one")
    plans = plan_garden(n, seed)
    out.mkdir(parents=True, exist_ok=True)
    for folder in sorted({posixpath.dirname(p.rel) for p in plans}):
        (out / folder).mkdir(parents=True, exist_ok=True)
    jobs = jobs or os.cpu_count() or 1
    chunks = [plans[i: i + 500] for i in range(0, len(plans), 500)]
    if jobs == 1 or len(chunks) == 1:
        _init(out, seed, plain)
        words = [w for chunk in chunks for w in _write_chunk(chunk)]
    else:
        with multiprocessing.Pool(jobs, initializer=_init, initargs=(out, seed, plain)) as pool:
            words = [w for part in pool.imap(_write_chunk, chunks) for w in part]
    result = manifest(plans, words, seed, plain)
    (out / "manifest.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a deterministic synthetic garden for benchmarks.")
    parser.add_argument("notes", type=int, help="how many notes, e.g. 1000, 10000, 100000")
    parser.add_argument("out", type=Path, help="folder to write the notes into")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    parser.add_argument("--plain-links", action="store_true",
                        help="standard Markdown links and plain blockquotes, for tools without wikilinks")
    parser.add_argument("--jobs", type=int, help="processes writing notes (default: all cores)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = generate(args.notes, args.out, args.seed, args.plain_links, args.jobs)
    print(f"{result['notes']} notes in {result['folders']} folders, {result['words']} words, "
          f"{result['links']} links ({result['broken_links']} broken) → {args.out} "
          f"in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
