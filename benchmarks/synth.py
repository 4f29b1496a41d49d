"""A synthetic archive of meeting minutes for the scale benchmarks (speed and size, not accuracy).

Every document is written from a template and the project's own lexicons, so no two are copies:
the issuing office (extractors/data/offices.txt, or a committee of it), the place
(places.txt), the chair's and signatory's names (made of the name parts below with an honorific)
and posts (designations.txt), the meeting date (2015-2026) with the memo's date printed in both
calendars (the Bangla date from extractors/calendar.py, the 1987 or the 2019 rules by year), the
memo number, the number of agenda items (1-4) and of decisions under each (1-5), the distribution
list (2-6), sometimes an indicator line. Composition, by default:

* ~89 % plain text (``.txt``);
* ~10 % text PDFs: DOCX made by `pipeline.renders.text_to_docx`, converted by LibreOffice in
  batches (one start per batch). Rendering every PDF is slow (~0.2 s each), so at most
  ``--pdf-pool`` distinct ones are rendered and the rest are their copies made unique by an
  appended PDF comment (new bytes, the same text: per-line caches serve them, as an office's
  recurring letterheads would);
* ~1 % scans: a few one-page PDFs rasterised with noise (`pipeline.renders.pdf_to_scan`), copies
  made unique the same way.

The archive is deterministic for a given seed and size. ``--add K`` writes K more documents (new
numbers) into an existing archive, for the "add a day's files" figure.

    .venv/bin/python benchmarks/synth.py DEST --n 10000 [--seed 1] [--pdf-pool 200] [--scan-pool 4]
"""
from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.calendar import to_bangla  # noqa: E402

log = logging.getLogger("synth")

DATA = ROOT / "extractors" / "data"
DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
GREGORIAN = ["জানুয়ারি", "ফেব্রুয়ারি", "মার্চ", "এপ্রিল", "মে", "জুন", "জুলাই", "আগস্ট", "সেপ্টেম্বর",
             "অক্টোবর", "নভেম্বর", "ডিসেম্বর"]
HONORIFICS = ["মোঃ", "জনাব", "ড.", "বেগম", "মোছাঃ", ""]
GIVEN = ["আবদুল", "তরুণ", "রফিকুল", "নাসরিন", "শাহানা", "মাহমুদুল", "কামরুল", "ফারহানা", "সাইফুল",
         "মিজানুর", "আনোয়ার", "সুলতানা", "জাকির", "রুমানা", "হাবিবুর", "তানভীর", "শামীম", "নাজমা",
         "মনিরুল", "দিলরুবা", "আরিফুল", "সেলিনা", "কৃষ্ণ", "প্রদীপ", "অনিতা", "গৌতম"]
FAMILY = ["কাদির", "শিকদার", "ইসলাম", "হক", "রহমান", "হাসান", "আক্তার", "চৌধুরী", "সরকার", "বিশ্বাস",
          "দাস", "পাল", "আলম", "হোসেন", "খাতুন", "মজুমদার", "ভট্টাচার্য", "সাহা", "মিয়া", "উদ্দিন"]
COMMITTEES = ["ইনোভেশন টিমের", "বার্ষিক কর্মসম্পাদন চুক্তি বাস্তবায়ন কমিটির", "শুদ্ধাচার কমিটির",
              "সমন্বয় সভার", "ই-গভর্ন্যান্স কমিটির", "তথ্য অধিকার কমিটির"]
TOPICS = ["বিগত সভার সিদ্ধান্ত বাস্তবায়ন অগ্রগতি পর্যালোচনা", "ই-নথি বাস্তবায়ন", "বার্ষিক কর্মসম্পাদন চুক্তি",
          "উদ্ভাবনী ধারণা বাস্তবায়ন", "প্রশিক্ষণ ও কর্মশালা আয়োজন", "সেবা সহজিকরণ", "জাতীয় শুদ্ধাচার কৌশল",
          "অভিযোগ প্রতিকার ব্যবস্থা", "তথ্য বাতায়ন হালনাগাদকরণ", "বিবিধ"]
ACTIONS = ["নির্ধারিত সময়ের মধ্যে সম্পন্ন করতে হবে", "দ্রুত বাস্তবায়নের উদ্যোগ গ্রহণ করতে হবে",
           "পরবর্তী সভায় অগ্রগতি উপস্থাপন করতে হবে", "নিয়মিত হালনাগাদ করতে হবে",
           "প্রয়োজনীয় ব্যবস্থা গ্রহণ করবেন", "সংশ্লিষ্ট সকলকে অবহিত করতে হবে"]
OBJECTS = ["কর্মশালা", "প্রশিক্ষণ", "ই-নথিতে নোট নিষ্পত্তি", "ওয়েবসাইট হালনাগাদ", "সেবা প্রদান প্রতিশ্রুতি",
           "অভ্যন্তরীণ প্রশিক্ষণ", "মাসিক প্রতিবেদন", "উদ্ভাবনী উদ্যোগের তালিকা"]
LABELS = "কখগঘঙচছজ"
FIRST_DAY, DAYS = date(2015, 1, 1), 12 * 365


def lexicon(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [x.strip() for x in lines if x.strip() and not x.startswith("#")]


@dataclass(frozen=True)
class Lexicons:
    offices: list[str]
    places: list[str]
    posts: list[str]

    @classmethod
    def load(cls) -> "Lexicons":
        return cls(lexicon("offices.txt"), lexicon("places.txt"), lexicon("designations.txt"))


def bn(n: int | str) -> str:
    return str(n).translate(DIGITS)


def person(rng: random.Random) -> str:
    """An honorific (or none), one or two given names and a family name."""
    given = [rng.choice(GIVEN) for _ in range(rng.randint(1, 2))]
    return " ".join(p for p in (rng.choice(HONORIFICS), *given, rng.choice(FAMILY)) if p)


def gregorian(d: date) -> str:
    return f"{bn(d.day)} {GREGORIAN[d.month - 1]} {bn(d.year)}"


def document(k: int, lex: Lexicons, seed: int) -> str:
    """Minutes number ``k`` of the archive: a text in the layout of corpus/seeds."""
    rng = random.Random(seed * 1_000_003 + k)
    office = rng.choice(lex.offices)
    place = rng.choice(lex.places)
    committee = rng.choice(COMMITTEES)
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    memo_day = day + timedelta(days=rng.randrange(1, 15))
    bangla = to_bangla(memo_day)
    fiscal = day.year if day.month >= 7 else day.year - 1
    chair, chair_post = person(rng), rng.choice(lex.posts)
    memo = ".".join(bn(rng.randrange(10 ** w)).rjust(w, "০") for w in (2, 2, 4, 3, 2, 3, 2))
    lines = [f"{office}, {place}", "",
             f"{office} {committee} {bn(fiscal)}-{bn(fiscal + 1)} অর্থবছরের {bn(rng.randrange(1, 13))}তম সভার কার্যবিবরণী।", "",
             f"সভাপতি\t{chair} {chair_post}", f"সভার তারিখ\t{gregorian(day)}",
             f"সভার সময়\tসকাল {bn(rng.randrange(9, 12))}.{bn(rng.choice(['০০', '৩০']))} টা",
             f"স্থান\t{rng.choice(['সভাকক্ষ', 'সম্মেলন কক্ষ', 'Zoom Online Platform'])}", "",
             "উপস্থিত সকলকে স্বাগত জানিয়ে সভার কার্যক্রম শুরু করা হয়।", ""]
    for a in range(1, rng.randint(1, 4) + 1):
        topic = rng.choice(TOPICS)
        lines += [f"{bn(a)}.০ আলোচ্য বিষয়: {topic}।", "",
                  f"{bn(a)}.১ {topic} বিষয়ে সভায় বিস্তারিত আলোচনা করা হয়।", "", f"{bn(a)}.২ সিদ্ধান্ত:", ""]
        for d in range(rng.randint(1, 5)):
            who = rng.choice(lex.offices) if rng.random() < 0.5 else rng.choice(lex.posts)
            obj = rng.choice(OBJECTS)
            deadline = ""
            if rng.random() < 0.3:
                deadline = f" {gregorian(day + timedelta(days=rng.randrange(15, 120)))} তারিখের মধ্যে"
            lines += [f"({LABELS[d]}) {who}কে {bn(rng.randrange(2, 20))}টি {obj}{deadline} {rng.choice(ACTIONS)};", ""]
        if rng.random() < 0.2:
            target = rng.randrange(2, 12)
            lines += [f"{office}ের {bn(a)}.{bn(rng.randrange(1, 5))} নং কার্যক্রমের আওতায় {bn(target)}টি "
                      f"{rng.choice(['কর্মশালা', 'প্রশিক্ষণ'])} আয়োজনের বিপরীতে {bn(rng.randrange(0, target + 1))}টি "
                      "আয়োজন করা হয়েছে।", ""]
    signer, signer_post = person(rng), rng.choice(lex.posts)
    lines += ["সভায় আর কোন আলোচনা না থাকায় সভাপতি সকলকে ধন্যবাদ জানিয়ে সভার সমাপ্তি ঘোষণা করেন।", "", "",
              chair, chair_post, "", f"স্মারক নম্বর: {memo}", "",
              f"তারিখ: {bn(bangla.day)} {bangla.month} {bn(bangla.year)}", "", gregorian(memo_day), "",
              "বিতরণ (জ্যেষ্ঠতার ক্রমানুসারে নয়) :", ""]
    for s in range(1, rng.randint(2, 6) + 1):
        lines.append(f"- {bn(s)}) {rng.choice(lex.posts)}, {rng.choice(lex.offices)}")
    lines += ["", "", signer, signer_post, ""]
    return "\n".join(lines)


def composition(n: int) -> dict[str, int]:
    scans = max(1, n // 100) if n >= 50 else 0
    pdfs = n // 10
    return {"txt": n - pdfs - scans, "pdf": pdfs, "scan": scans}


def unique_copy(data: bytes, k: int) -> bytes:
    """The same PDF, new bytes: a comment after its %%EOF and a fresh %%EOF."""
    return data + f"\n% synthetic archive document {k}\n%%EOF\n".encode()


def render_pdfs(texts: dict[int, str], work: Path, batch: int = 50) -> dict[int, bytes]:
    """Text PDFs of ``texts`` (DOCX by pipeline.renders, LibreOffice in batches)."""
    from pipeline import renders

    out: dict[int, bytes] = {}
    keys = sorted(texts)
    for i in range(0, len(keys), batch):
        chunk = keys[i:i + batch]
        docx = [renders.text_to_docx(texts[k], work / f"d{k:07d}.docx") for k in chunk]
        for k, pdf in zip(chunk, renders.docx_to_pdf_many(docx, work / "pdf")):
            out[k] = pdf.read_bytes()
        log.info("rendered %d/%d PDFs", min(i + batch, len(keys)), len(keys))
    return out


def render_scans(texts: dict[int, str], work: Path) -> dict[int, bytes]:
    """One-page noisy scans of the start of ``texts``."""
    from pipeline import renders

    out: dict[int, bytes] = {}
    one_page = {k: t[:900] for k, t in texts.items()}
    for k, pdf in render_pdfs(one_page, work / "scan_src").items():
        src = work / f"s{k:07d}.pdf"
        src.write_bytes(pdf)
        out[k] = renders.pdf_to_scan(src, work / f"scan{k:07d}.pdf", dpi=200, seed=k).read_bytes()
    return out


def write_archive(dest: Path, n: int, seed: int = 1, start: int = 0, pdf_pool: int = 200,
                  scan_pool: int = 4) -> dict[str, int]:
    """Documents ``start`` .. ``start + n - 1`` under ``dest`` (1,000 a folder); the composition."""
    lex = Lexicons.load()
    mix = composition(n)
    kinds = ["scan"] * mix["scan"] + ["pdf"] * mix["pdf"] + ["txt"] * mix["txt"]
    random.Random(seed + start).shuffle(kinds)
    ks = {kind: [start + i for i, x in enumerate(kinds) if x == kind] for kind in ("txt", "pdf", "scan")}
    with tempfile.TemporaryDirectory(prefix="minutes-synth-") as tmp:
        work = Path(tmp)
        (work / "scan_src").mkdir()
        pool_pdf = render_pdfs({k: document(k, lex, seed) for k in ks["pdf"][:pdf_pool]}, work)
        pool_scan = render_scans({k: document(k, lex, seed) for k in ks["scan"][:scan_pool]}, work)
        for kind, keys in ks.items():
            pool = {"pdf": pool_pdf, "scan": pool_scan}.get(kind)
            pooled = list(pool.values()) if pool else []
            for j, k in enumerate(keys):
                folder = dest / f"{k // 1000:04d}"
                folder.mkdir(parents=True, exist_ok=True)
                if kind == "txt":
                    (folder / f"m{k:07d}.txt").write_text(document(k, lex, seed), encoding="utf-8")
                else:
                    data = pool[k] if k in pool else unique_copy(pooled[j % len(pooled)], k)
                    (folder / f"m{k:07d}.pdf").write_bytes(data)
    return mix


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="number of the first document (to add to an archive)")
    ap.add_argument("--pdf-pool", type=int, default=200, help="distinct PDFs rendered (the rest are their copies)")
    ap.add_argument("--scan-pool", type=int, default=4, help="distinct scans rendered")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    t0 = time.perf_counter()
    mix = write_archive(args.dest, args.n, args.seed, args.start, args.pdf_pool, args.scan_pool)
    print(f"{args.n} documents in {args.dest} ({', '.join(f'{v} {k}' for k, v in mix.items())}) "
          f"in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
