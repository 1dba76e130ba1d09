#!/usr/bin/env python3
"""Deterministic benchmark corpus for waymark, Hugo and mdBook.

    python3 bench/gen_corpus.py --pages 1000 --out /tmp/corpus-1000 [--seed 9]

writes the same N procedure-shaped pages three times:

    OUT/waymark/  site.toml + content/ (an _index.md per section, relative .md links)
    OUT/hugo/     hugo.toml + layouts/ + content/ (links through {{< ref >}})
    OUT/mdbook/   book.toml + src/SUMMARY.md + chapters (relative .md links)

Pages are grouped into ceil(N/100) sections (folders). Each page has front matter
(title, summary, audience, stage, order, last_reviewed, review_due, sources),
~300-600 words of body from a fixed vocabulary, `##`/`###` headings, one table,
a bulleted and a numbered list, a `> [!NOTE]` alert (a plain blockquote for
Hugo and mdBook, which have no alert syntax in the versions benchmarked), and
3-5 links to other pages of the corpus, some with a `#fragment` naming a
heading that exists on the target.

Python 3.11 standard library only; the output depends only on N and the seed.
A file `OUT/manifest.json` records the counts the benchmark checks outputs against.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import shutil
from pathlib import Path

STAGES = [
    ("concern", "When there is a concern"),
    ("investigation", "Inter-agency referral discussion and investigation"),
    ("planning-meeting", "Child protection planning meetings"),
    ("registration", "The child protection register"),
    ("core-group", "Core groups and the child's plan"),
    ("review", "Reviews and removal from the register"),
    ("transfer", "Moving between areas"),
    ("pre-birth", "Pre-birth planning"),
    ("practice", "Supporting practice"),
]

# Lower-case words only: heading slugs then agree across the three tools.
WORDS = """
child children young person parent parents carer carers family families practitioner practitioners
social work worker police health education nurse visitor teacher school lead professional named
concern concerns risk risks harm significant abuse neglect emotional physical sexual exploitation
protection plan planning meeting meetings core group review conference register registration record
records referral inter agency discussion investigation assessment chronology information sharing
consent views voice wellbeing safety support services agency agencies manager team supervision
decision decisions outcome outcomes action actions timescale timescales working days within before
after during when where who what how must should may will can agree agreed consider considered
share shared write written report reports minutes chair chairperson attend attends invite invited
advocate interpreter language understand explain clear clearly plain words evidence analysis
strengths needs network kinship placement looked after accommodated transfer area local authority
national guidance procedure procedures practice note policy duty legal order court hearing
reporter panel compulsory supervision unborn baby pre birth midwife pregnancy substance misuse
domestic mental disability additional learning communication culture faith community trust
relationship relationships contact visit visits home observed seen alone spoken listened
""".split()

# Verbs and connectors make sentences read less like word salad.
CONNECT = "the a and of to for with by in on at is are be has have should must".split()

SECTION_NOUNS = """
referrals investigations meetings registers plans reviews transfers assessments records consent
information advocacy interpreters supervision chronologies escalation neglect exploitation
pre-birth transitions disability education health police courts reporters kinship placements
""".split()


def words(rng: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        out.append(rng.choice(CONNECT) if i % 3 == 1 else rng.choice(WORDS))
    return out


def sentence(rng: random.Random, lo: int = 8, hi: int = 18) -> str:
    w = words(rng, rng.randint(lo, hi))
    r = rng.random()
    if r < 0.15:
        i = rng.randrange(len(w))
        w[i] = f"**{w[i]}**"
    elif r < 0.25:
        i = rng.randrange(len(w))
        w[i] = f"*{w[i]}*"
    s = " ".join(w)
    return s[0].upper() + s[1:] + "."


def title_words(rng: random.Random, lo: int, hi: int) -> str:
    w = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    s = " ".join(w)
    return s[0].upper() + s[1:]


def slug(s: str) -> str:
    return "-".join("".join(c for c in w.lower() if c.isalnum()) for w in s.split() if any(c.isalnum() for c in w))


class Page:
    def __init__(self, idx: int, section: "Section", rng: random.Random):
        self.idx = idx
        self.section = section
        self.title = title_words(rng, 3, 6)
        self.file = f"{slug(self.title)}-{idx:05d}.md"
        self.rel = f"{section.folder}/{self.file}"
        self.summary = " ".join(words(rng, rng.randint(10, 18))).capitalize() + "."
        self.stage = rng.choice(STAGES)[0]
        self.order = rng.randint(1, 99) * 10
        base = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
        self.last_reviewed = base.isoformat()
        self.review_due = (base + dt.timedelta(days=365)).isoformat()
        self.sources = [
            f"National Guidance for Child Protection in Scotland 2021 (updated 2023), para {rng.randint(1, 5)}.{rng.randint(1, 400)}",
            f"{title_words(rng, 2, 4)} practice note, section {rng.randint(1, 12)}",
        ][: rng.randint(1, 2)]
        # Headings: 4-5 level-2, each with 0-1 level-3 below; all unique on the page.
        self.headings: list[tuple[int, str]] = []
        seen: set[str] = set()
        for _ in range(rng.randint(4, 5)):
            for level in [2] + [3] * rng.randint(0, 1):
                while True:
                    h = title_words(rng, 2, 5)
                    if slug(h) not in seen:
                        break
                seen.add(slug(h))
                self.headings.append((level, h))
        self.links: list[tuple[Page, str | None, str]] = []


class Section:
    def __init__(self, idx: int, rng: random.Random):
        self.idx = idx
        noun = SECTION_NOUNS[idx % len(SECTION_NOUNS)]
        self.folder = f"{noun}-{idx:03d}"
        self.title = f"{noun.replace('-', ' ').capitalize()} {idx}"
        self.summary = " ".join(words(rng, 12)).capitalize() + "."
        self.pages: list[Page] = []


def plan(n: int, seed: int) -> tuple[list[Section], list[Page], random.Random]:
    rng = random.Random(seed)
    n_sections = max(1, math.ceil(n / 100))
    sections = [Section(i + 1, rng) for i in range(n_sections)]
    pages = []
    for i in range(n):
        s = sections[i * n_sections // n]
        p = Page(i + 1, s, rng)
        s.pages.append(p)
        pages.append(p)
    for p in pages:
        targets = set()
        for _ in range(rng.randint(3, 5)):
            # Two in three links stay in the page's own section.
            pool = p.section.pages if rng.random() < 0.66 and len(p.section.pages) > 1 else pages
            t = rng.choice(pool)
            if t is p or t.idx in targets:
                continue
            targets.add(t.idx)
            frag = slug(rng.choice(t.headings)[1]) if rng.random() < 0.5 else None
            p.links.append((t, frag, " ".join(words(rng, rng.randint(2, 4)))))
    return sections, pages, rng


def body(p: Page, rng: random.Random, link_fmt, alert: bool) -> str:
    """The Markdown body (no title). link_fmt(page_from, page_to, fragment) -> URL text."""
    out: list[str] = []
    links = list(p.links)
    blocks = ["table", "ul", "ol", "note"]
    rng.shuffle(blocks)
    n_h = len(p.headings)
    # Spread the four special blocks and the links across the headings.
    positions = sorted(rng.sample(range(n_h), min(4, n_h)))
    block_at = dict(zip(positions, blocks))
    out.append(" ".join(sentence(rng) for _ in range(rng.randint(2, 3))))
    for hi, (level, h) in enumerate(p.headings):
        out.append(f"{'#' * level} {h}")
        for _ in range(rng.randint(1, 2) if level == 2 else 1):
            para = [sentence(rng) for _ in range(rng.randint(1, 3))]
            if links and rng.random() < 0.6:
                t, frag, text = links.pop()
                para.insert(rng.randrange(len(para) + 1), f"See [{text}]({link_fmt(p, t, frag)}).")
            out.append(" ".join(para))
        kind = block_at.get(hi)
        if kind == "table":
            cols = [title_words(rng, 1, 2) for _ in range(3)]
            rows = ["| " + " | ".join(cols) + " |", "|---|---|---|"]
            for _ in range(rng.randint(4, 6)):
                rows.append("| " + " | ".join(" ".join(words(rng, rng.randint(1, 5))) for _ in cols) + " |")
            out.append("\n".join(rows))
        elif kind == "ul":
            out.append("\n".join(f"- {' '.join(words(rng, rng.randint(4, 10)))};" for _ in range(rng.randint(3, 6))))
        elif kind == "ol":
            out.append("\n".join(f"{i + 1}. {sentence(rng, 5, 12)}" for i in range(rng.randint(3, 5))))
        elif kind == "note":
            first = "> [!NOTE]\n" if alert else ""
            out.append(first + "> " + " ".join(sentence(rng) for _ in range(rng.randint(1, 2))))
    for t, frag, text in links:  # any not placed yet
        out.append(f"See also [{text}]({link_fmt(p, t, frag)}).")
    return "\n\n".join(out) + "\n"


def yaml_front(fields: list[tuple[str, object]]) -> str:
    lines = ["---"]
    for k, v in fields:
        if isinstance(v, list):
            if k == "audience":
                lines.append(f"{k}: [{', '.join(v)}]")
            else:
                lines.append(f"{k}:")
                lines.extend(f'  - "{x}"' for x in v)
        else:
            lines.append(f"{k}: {v}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def page_front(p: Page, hugo: bool) -> str:
    f: list[tuple[str, object]] = [
        ("title", p.title),
        ("summary", p.summary),
        ("audience", ["practitioners"]),
        ("stage", p.stage),
        ("weight" if hugo else "order", p.order),
        ("last_reviewed", p.last_reviewed),
        ("review_due", p.review_due),
        ("sources", p.sources),
    ]
    return yaml_front(f)


def rel_link(frm: Page, to: Page, frag: str | None) -> str:
    path = to.file if frm.section is to.section else f"../{to.rel}"
    return path + (f"#{frag}" if frag else "")


def hugo_link(frm: Page, to: Page, frag: str | None) -> str:
    target = f"/{to.rel}" + (f"#{frag}" if frag else "")
    return '{{< relref "' + target + '" >}}'


SITE_TITLE = "Benchmark Child Protection Procedures"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_waymark(root: Path, sections: list[Section], pages: list[Page], seed: int) -> None:
    toml = [
        f'title = "{SITE_TITLE}"',
        'base_url = "https://procedures.example.org/"',
        'language = "en-GB"',
        'exit_url = "https://www.bbc.co.uk/weather"',
        "",
        "[[nav]]",
        'title = "Home"',
        'page = "_index.md"',
    ]
    for s in sections[:3]:
        toml += ["", "[[nav]]", f'title = "{s.title}"', f'page = "{s.folder}/_index.md"']
    toml += ["", "[[audiences]]", 'id = "practitioners"', 'label = "Practitioners"']
    for sid, label in STAGES:
        toml += ["", "[[stages]]", f'id = "{sid}"', f'label = "{label}"']
    write(root / "site.toml", "\n".join(toml) + "\n")
    c = root / "content"
    write(c / "_index.md", yaml_front([("title", SITE_TITLE), ("summary", "Procedures for practitioners.")]) + "Choose a section.\n")
    for s in sections:
        write(c / s.folder / "_index.md", yaml_front([("title", s.title), ("summary", s.summary), ("audience", ["practitioners"])]) + s.summary + "\n")
    for p in pages:
        rng = random.Random(f"{seed}-body-{p.idx}")
        write(c / p.rel, page_front(p, hugo=False) + body(p, rng, rel_link, alert=True))


HUGO_BASEOF = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} – {{ site.Title }}{{ end }}</title>
{{ with .Params.summary }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="stylesheet" href="/site.css">
</head>
<body>
<a href="#main-content">Skip to main content</a>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><ul>
{{ $cur := . }}{{ range site.Menus.main }}<li{{ if or ($cur.IsMenuCurrent "main" .) ($cur.HasMenuCurrent "main" .) }} aria-current="page"{{ end }}><a href="{{ .URL }}">{{ .Name }}</a></li>
{{ end }}</ul></nav></header>
{{ if not .IsHome }}<nav aria-label="Breadcrumb"><ol>
{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
<li>{{ .Title }}</li></ol></nav>{{ end }}
<main id="main-content">
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
"""

HUGO_META = """<div class="page-header">
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
<dl>{{ with .Params.audience }}<dt>For</dt><dd>{{ delimit . ", " }}</dd>{{ end }}
{{ with .Params.stage }}<dt>Stage</dt><dd>{{ . }}</dd>{{ end }}</dl>
</div>
"""

HUGO_SINGLE = """{{ define "main" }}
<div class="page">
""" + HUGO_META + """{{ with .TableOfContents }}<nav class="toc"><h2>Contents</h2>{{ . }}</nav>{{ end }}
<div class="prose">
{{ .Content }}
</div>
<div class="meta">
{{ with .Params.last_reviewed }}<p>Last reviewed <time datetime="{{ . }}">{{ dateFormat "2 January 2006" . }}</time></p>{{ end }}
{{ with .Params.review_due }}<p>Review due <time datetime="{{ . }}">{{ dateFormat "2 January 2006" . }}</time></p>{{ end }}
{{ with .Params.sources }}<h2>Sources</h2><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
</div>
</div>
{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<div class="page">
""" + HUGO_META + """<div class="prose">
{{ .Content }}
</div>
{{ with .RegularPages }}{{ range .GroupByParam "stage" }}<h2>{{ .Key }}</h2>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>
{{ end }}</ul>{{ end }}{{ end }}
{{ $secs := where .Pages "Kind" "section" }}{{ with $secs }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
</div>
{{ end }}
"""

HUGO_404 = """{{ define "main" }}<h1>Page not found</h1>{{ end }}
"""


def write_hugo(root: Path, sections: list[Section], pages: list[Page], seed: int) -> None:
    cfg = [
        'baseURL = "https://procedures.example.org/"',
        'languageCode = "en-gb"',
        f'title = "{SITE_TITLE}"',
        # waymark writes pages, section lists, a sitemap and a 404 page: so does Hugo.
        'disableKinds = ["taxonomy", "term", "RSS"]',
        "enableRobotsTXT = false",
        "[markup.goldmark.renderer]",
        "unsafe = false",
        "[markup.tableOfContents]",
        "startLevel = 2",
        "endLevel = 3",
        "ordered = false",
    ]
    weight = 1
    cfg += ["[[menu.main]]", 'name = "Home"', 'url = "/"', f"weight = {weight}"]
    for s in sections[:3]:
        weight += 1
        cfg += ["[[menu.main]]", f'name = "{s.title}"', f'pageRef = "/{s.folder}"', f'url = "/{s.folder}/"', f"weight = {weight}"]
    write(root / "hugo.toml", "\n".join(cfg) + "\n")
    write(root / "layouts/_default/baseof.html", HUGO_BASEOF)
    write(root / "layouts/_default/single.html", HUGO_SINGLE)
    write(root / "layouts/_default/list.html", HUGO_LIST)
    write(root / "layouts/404.html", HUGO_404)
    c = root / "content"
    write(c / "_index.md", yaml_front([("title", SITE_TITLE), ("summary", "Procedures for practitioners.")]) + "Choose a section.\n")
    for s in sections:
        write(c / s.folder / "_index.md", yaml_front([("title", s.title), ("summary", s.summary), ("audience", ["practitioners"])]) + s.summary + "\n")
    for p in pages:
        rng = random.Random(f"{seed}-body-{p.idx}")
        write(c / p.rel, page_front(p, hugo=True) + body(p, rng, hugo_link, alert=False))


def write_mdbook(root: Path, sections: list[Section], pages: list[Page], seed: int) -> None:
    write(root / "book.toml", f'[book]\ntitle = "{SITE_TITLE}"\nlanguage = "en"\nsrc = "src"\n')
    src = root / "src"
    summary = ["# Summary", "", "[Introduction](README.md)", ""]
    write(src / "README.md", f"# {SITE_TITLE}\n\nProcedures for practitioners. Choose a section.\n")
    for s in sections:
        summary.append(f"- [{s.title}]({s.folder}/index.md)")
        write(src / s.folder / "index.md", f"# {s.title}\n\n{s.summary}\n")
        for p in s.pages:
            summary.append(f"    - [{p.title}]({p.rel})")
    write(src / "SUMMARY.md", "\n".join(summary) + "\n")
    for p in pages:
        rng = random.Random(f"{seed}-body-{p.idx}")
        # mdBook has no front matter: the same fields as visible text.
        head = [f"# {p.title}", "", p.summary, "", f"For: practitioners. Stage: {p.stage}. Last reviewed {p.last_reviewed}; review due {p.review_due}.", ""]
        tail = ["", "## Sources", ""] + [f"- {x}" for x in p.sources]
        write(src / p.rel, "\n".join(head) + "\n" + body(p, rng, rel_link, alert=False) + "\n".join(tail) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", "-n", type=int, required=True, help="number of procedure pages (sections and home come on top)")
    ap.add_argument("--out", "-o", type=Path, required=True, help="output folder (replaced)")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--only", choices=["waymark", "hugo", "mdbook"], action="append", help="write only these trees")
    a = ap.parse_args()
    sections, pages, _ = plan(a.pages, a.seed)
    if a.out.exists():
        shutil.rmtree(a.out)
    which = a.only or ["waymark", "hugo", "mdbook"]
    if "waymark" in which:
        write_waymark(a.out / "waymark", sections, pages, a.seed)
    if "hugo" in which:
        write_hugo(a.out / "hugo", sections, pages, a.seed)
    if "mdbook" in which:
        write_mdbook(a.out / "mdbook", sections, pages, a.seed)
    manifest = {
        "pages": len(pages),
        "sections": len(sections),
        "seed": a.seed,
        # Every tool must write one HTML page for each of these (home, sections, pages).
        "html_pages": 1 + len(sections) + len(pages),
        "sample_page": pages[len(pages) // 2].rel,
    }
    (a.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
