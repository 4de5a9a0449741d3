"""Generate a realistic content tree of N webinars for benchmarks.

    python benchmarks/corpus.py N DIR

DIR becomes a site root (``_config.yml``, ``_toc.yml``, ``content/``) that uses this
repository's pages, catalogues, notebooks and theme. Topics have 1 to 5 parts, a
third of the pages are translated, and there are proposals from both routes. The
result passes ``webinars check``. The same N and seed always give the same tree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
LANGS = ["ar", "es", "fr", "ru", "zh"]
SCOPES = ["conference", "ip-and-development", "da-projects", "project-ideas", "cooperation", "experiences",
          "new-challenges"]
REGIONS = ["africa", "arab", "asia-pacific", "latin-america-caribbean", "central-europe-baltic",
           "central-asia-caucasus-eastern-europe", "global"]
SUBJECTS = ["technology transfer", "patent information", "geographical indications", "copyright in digital markets",
            "traditional knowledge", "IP and SMEs", "climate technologies", "IP valuation", "women inventors",
            "public health and IP", "collective marks", "IP policy", "IP and AI", "university licensing",
            "open innovation", "design protection", "plant varieties", "IP enforcement", "data and IP",
            "IP and tourism"]
WORDS = ("the office national experts presented how policy licensing patent search developing countries "
         "research institutions smaller firms guidance practical toolkit evidence cooperation regional "
         "training capacity access markets innovation knowledge partners results questions participants "
         "example approach practice framework strategy").split()
GROUPS = ["African Group", "Asia and the Pacific Group", "Group of Latin American and Caribbean Countries (GRULAC)",
          "Central European and Baltic States", "Group B", "Arab Group"]


def sentence(rng: random.Random, n: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def body(rng: random.Random, held: bool) -> str:
    text = "\n## Summary\n\n" + "\n\n".join(paragraph(rng) for _ in range(rng.randint(2, 3))) + "\n"
    if held:
        text += "\n## Follow-up answers\n"
        for _ in range(rng.randint(2, 4)):
            text += f"\n### {sentence(rng, 9)[:-1]}?\n\n{paragraph(rng, 3)}\n"
    return text


def write(path: Path, meta: dict, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n{text}", encoding="utf-8")


def generate(n: int, dest: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    if (dest / "content").exists():
        shutil.rmtree(dest / "content")
    dest.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    for key in ("pages_dir", "locales_dir", "templates_dir", "static_dir", "notebooks_dir"):
        default = {"pages_dir": "book/pages", "locales_dir": "book/locales", "templates_dir": "book/_templates",
                   "static_dir": "book/_static", "notebooks_dir": "book/notebooks"}[key]
        config["webinars"][key] = str(REPO / default)
    (dest / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copy2(REPO / "_toc.yml", dest / "_toc.yml")

    today = dt.date(2026, 11, 24)
    start = today - dt.timedelta(days=int(n * 9))  # about 40 a year, with some planned ahead
    made, topic_no, previous_topic = 0, 0, None
    while made < n:
        topic_no += 1
        topic_id = f"topic-{topic_no:04d}"
        parts = min(rng.randint(1, 5), n - made)
        subject = rng.choice(SUBJECTS)
        regions = rng.sample(REGIONS, rng.randint(1, 3))
        languages = ["en"] + rng.sample(["fr", "es", "ar", "ru", "zh", "pt"], rng.randint(1, 3))
        route = rng.choice(["request", "secretariat"])
        meta = {"title": f"{subject.capitalize()}: series {topic_no}", "lang": "en", "scope": rng.choice(SCOPES),
                "route": route, "proposed_by": rng.choice(GROUPS) if route == "request" else "Secretariat",
                "proposed": (start + dt.timedelta(days=made * 9 - 60)).isoformat(),
                "status": "accepted", "regions": regions, "languages": languages}
        if route == "request":
            meta["objective"], meta["audience"] = sentence(rng, 14), sentence(rng, 8)
        else:
            meta["interest"] = rng.sample(GROUPS, 2)
        if previous_topic and rng.random() < 0.25:
            meta["builds_on"] = previous_topic
        write(dest / "content/topics" / topic_id / "index.md", meta, "\n" + paragraph(rng, 4) + "\n")
        previous_topic = topic_id
        for part in range(1, parts + 1):
            day = start + dt.timedelta(days=made * 9)
            held = day < today
            slug = f"{day.isoformat()}-{topic_id}-part-{part}"
            facts = {"title": f"{subject.capitalize()}, part {part}: {sentence(rng, 5)[:-1]}", "lang": "en",
                     "date": day.isoformat(), "start": f"{day.isoformat()}T13:00+01:00", "duration": 90,
                     "status": "held" if held else "planned", "topic": topic_id, "part": part,
                     "languages": languages, "regions": regions, "format": rng.choice(["live", "prerecorded"]),
                     "speakers": [{"name": f"Speaker {made}-{k}", "affiliation": "National IP office",
                                   "role": role} for k, role in enumerate(["expert", "expert", "moderator"])]}
            if held:
                facts["recording"] = {code: f"https://www.youtube.com/watch?v={rng.randrange(16**11):011x}"
                                      for code in languages}
                facts["participants"] = rng.randint(40, 400)
            else:
                facts["registration"] = f"https://events.example.int/{slug}"
            folder = dest / "content/webinars" / slug
            write(folder / "index.md", facts, body(rng, held))
            if rng.random() < 1 / 3:
                lang = rng.choice(LANGS)
                write(folder / f"index.{lang}.md", {"title": f"[{lang}] {facts['title']}"}, body(rng, held))
            made += 1
    for k in range(max(6, n // 20)):
        route = "request" if k % 2 else "secretariat"
        meta = {"title": f"Proposal {k + 1}: {rng.choice(SUBJECTS)}", "lang": "en", "scope": rng.choice(SCOPES),
                "route": route, "proposed_by": rng.choice(GROUPS) if route == "request" else "Secretariat",
                "proposed": (today - dt.timedelta(days=30 * k)).isoformat(), "status": "proposed",
                "regions": rng.sample(REGIONS, 2), "languages": ["en", "fr"]}
        if route == "request":
            meta["objective"], meta["audience"] = sentence(rng, 14), sentence(rng, 8)
        else:
            meta["interest"] = rng.sample(GROUPS, 2)
        write(dest / "content/topics" / f"proposal-{k + 1:03d}" / "index.md", meta, "\n" + paragraph(rng, 3) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of webinars")
    parser.add_argument("dest", type=Path, help="folder to write the site root into")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.n, args.dest, args.seed)
    print(f"{args.n} webinars written to {args.dest}")


if __name__ == "__main__":
    main()
