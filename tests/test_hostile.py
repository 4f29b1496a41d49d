"""Hostile archives (issue 16), built at test time in tmp_path: no entry stops a batch, every
resource is bounded by a named limit (small limits injected here instead of the defaults), failures
of the moment are retried, nothing vanishes silently, output-folder problems exit 3.

Each case checks the exit code, the manifest row of every input with its reason, and that a re-run
completes. Real processes throughout: the CLI in a subprocess where exit codes, locks and kills
matter, `pipeline.run.run` otherwise.
"""
from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import psutil
import pytest

from pipeline.display import for_display, for_terminal
from pipeline.limits import Limits, descriptions, failure_kinds, flag_name
from pipeline.process import HANG_ON_ENV
from pipeline.run import RunOptions, run, run_lock, walk
from pipeline.store import load_outputs

ROOT = Path(__file__).resolve().parent.parent
MINUTES = [sys.executable, "-m", "pipeline.cli"]
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))


def seed_text(i: int, tag: str) -> str:
    return SEEDS[i].read_text(encoding="utf-8") + f"\nনথি সংখ্যা: {tag}\n"


def opts(out: Path, **kw) -> RunOptions:
    limits = kw.pop("limits", None) or Limits.load()
    kw.setdefault("workers", 2)
    kw.setdefault("timeout", 120)
    return RunOptions(out=out, progress=False, limits=limits, **kw)


def manifest_csv(out: Path) -> list[dict]:
    with open(out / "manifest.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def cli(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*MINUTES, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=kw.pop("timeout", 180), **kw)


# ------------------------------------------------------------------------------------ walking


def test_walk_never_raises_and_names_every_entry(tmp_path):
    """A loop, a dangling link, a FIFO, /dev/zero, a non-UTF-8 and a CR/escape-code file name: each
    a row with its reason; the good files (the odd names included) are read; exit 1; a re-run
    gives the same rows and reads nothing again."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(seed_text(0, "g"), encoding="utf-8")
    raw = os.fsencode(src) + b"/caf\xe9-\x1b[31m.txt"  # Latin-1 byte and a terminal escape
    with open(raw, "wb") as f:
        f.write(seed_text(1, "latin").encode())
    (src / "cr\rname.txt").write_text(seed_text(2, "cr"), encoding="utf-8")
    (src / "loop").symlink_to("loop")
    (src / "a-b").symlink_to("b-a")
    (src / "b-a").symlink_to("a-b")
    (src / "dangling.txt").symlink_to("missing.txt")
    os.mkfifo(src / "fifo")
    (src / "folder-link").symlink_to(tmp_path, target_is_directory=True)
    out = tmp_path / "out"
    for attempt in range(2):
        code, manifest = run([str(src), "/dev/zero"], opts(out))
        assert code == 1
        rows = {r["path"]: r for r in manifest}
        kind = {p: (r["status"], r.get("error_kind")) for p, r in rows.items()}
        assert kind["/dev/zero"] == ("failed", "not-a-file")
        assert kind[str(src / "fifo")] == ("failed", "not-a-file")
        assert kind[str(src / "loop")] == kind[str(src / "a-b")] == ("failed", "symlink-loop")
        assert kind[str(src / "dangling.txt")] == ("failed", "dangling-link")
        assert kind[str(src / "folder-link")][0] == "ignored"
        odd = os.fsdecode(raw)
        good = "unchanged" if attempt else "ok"
        assert {kind[str(src / "good.txt")][0], kind[odd][0], kind[str(src / "cr\rname.txt")][0]} == {good}
    written = manifest_csv(out)
    assert len(written) == len(manifest)  # no phantom row from the CR
    shown = {r["path"] for r in written}
    assert str(src) + "/caf\\xe9-\\x1b[31m.txt" in shown and str(src) + "/cr\\x0dname.txt" in shown
    assert "\x1b" not in (out / "manifest.csv").read_text(encoding="utf-8")
    meetings = load_outputs(out)["meetings"]
    assert str(src) + "/caf\\xe9-\\x1b[31m.txt" in set(meetings["path"])


def test_unlistable_folder_is_a_row(tmp_path):
    """Root reads any folder, so the walk runs as `nobody` in a forked child."""
    import json
    import shutil

    base = Path(tempfile.mkdtemp(prefix="minutes-walk-"))
    try:
        os.chmod(base, 0o755)
        (base / "locked").mkdir(mode=0o700)
        (base / "locked" / "x.txt").write_text("x")
        (base / "open.txt").write_text("y")
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: drop to nobody, walk, report, exit without running pytest's teardown
            try:
                os.close(read)
                os.setgid(65534)
                os.setuid(65534)
                items = [r if isinstance(r, dict) else r.display for r in walk([str(base)], Path("/nonexistent"))]
                os.write(write, json.dumps(items).encode())
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as f:
            data = f.read()
        os.waitpid(pid, 0)
        items = json.loads(data)
        assert str(base / "open.txt") in items
        rows = [i for i in items if isinstance(i, dict)]
        assert [(r["path"], r["error_kind"]) for r in rows] == [(str(base / "locked"), "unreadable-folder")]
    finally:
        shutil.rmtree(base)


def test_inputs_inside_the_output_folder_are_ignored_rows(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stray.txt").write_text(seed_text(0, "s"), encoding="utf-8")
    items = list(walk([str(out / "stray.txt"), str(out)], out))
    assert [(r["path"], r["status"]) for r in items] == [(str(out / "stray.txt"), "ignored"), (str(out), "ignored")]


# ------------------------------------------------------------------------------------ zip archives


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_zip_limits_are_per_member_and_nested_archives_are_read(tmp_path):
    """One archive with a good member, a 3 MB ratio bomb, a 3 MB member over a 2 MB limit, a member whose name
    holds CR and a formula, and archives nested 2 (read) and 3 deep (refused at zip_depth=2)."""
    src = tmp_path / "in"
    src.mkdir()
    inner = _zip(tmp_path / "inner.zip", {"inner-good.txt": seed_text(1, "inner").encode()})
    deeper = _zip(tmp_path / "d2.zip", {"d2.zip": _zip(tmp_path / "d3.zip", {"deep.txt": b"x"}).read_bytes()})
    archive = _zip(src / "a.zip", {
        "good.txt": seed_text(0, "zip").encode(),
        "bomb.txt": b"\0" * (3 << 20),
        "big.bin": os.urandom(3 << 20),
        "evil\r=cmd|calc.txt": seed_text(2, "evil").encode(),
        "inner.zip": inner.read_bytes(),
        "deeper.zip": deeper.read_bytes(),
    })
    limits = Limits.load().replace(zip_member_bytes=2 << 20, zip_depth=2)
    out = tmp_path / "out"
    for attempt in range(2):
        code, manifest = run([str(src)], opts(out, limits=limits))
        rows = {r["path"].split("!", 1)[1]: r for r in manifest}
        assert code == 1
        assert rows[""]["status"] == "ok"  # the archive itself
        assert rows["good.txt"]["status"] in ("ok", "unchanged")
        assert rows["inner.zip!inner-good.txt"]["status"] in ("ok", "unchanged")
        assert (rows["bomb.txt"]["status"], rows["bomb.txt"]["error_kind"]) == ("failed", "too-large")
        assert "zip_ratio" in rows["bomb.txt"]["error"]
        assert rows["big.bin"]["error_kind"] == "too-large" and "zip_member_bytes" in rows["big.bin"]["error"]
        assert rows["deeper.zip!d2.zip"]["error_kind"] == "too-large" and "zip_depth" in rows["deeper.zip!d2.zip"]["error"]
        assert rows["evil\r=cmd|calc.txt"]["status"] in ("ok", "unchanged")
    written = manifest_csv(out)
    assert len(written) == len(manifest)
    assert any(r["path"].endswith("!evil\\x0d=cmd|calc.txt") for r in written)
    # nothing of the archive is left on disk after the run
    assert not list((out / ".work").glob("tmp*")) and not (out / ".work" / "zip").exists()


def test_zip_total_and_member_count_limits(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _zip(src / "many.zip", {f"m{k}.txt": seed_text(k % 3, str(k)).encode() for k in range(5)})
    _zip(src / "big.zip", {f"z{k}.txt": b"\n" * (900 << 10) for k in range(4)})
    limits = Limits.load().replace(zip_members=4, zip_total_bytes=2 << 20)
    code, manifest = run([str(src)], opts(tmp_path / "out", limits=limits))
    rows = {r["path"].split("!", 1)[1] if "!" in r["path"] else r["path"]: r for r in manifest}
    assert code == 1
    archive_rows = [r for r in manifest if r["path"].endswith("!")]
    assert {Path(r["path"][:-1]).name: r["error_kind"] for r in archive_rows} == {"many.zip": "too-large", "big.zip": None}
    assert sum(1 for r in manifest if "many.zip!m" in r["path"]) == 4
    big = sorted((r["path"], r["status"], r.get("error_kind")) for r in manifest if "big.zip!z" in r["path"])
    assert [s for _, s, _ in big[:2]] != ["failed", "failed"]
    assert [k for _, _, k in big[2:]] == ["too-large", "too-large"]
    assert all("zip_total_bytes" in rows[p.split("!", 1)[1]]["error"] for p, _, k in big if k)


# ------------------------------------------------------------------------------------ retries


def test_transient_failures_are_retried_permanent_ones_kept(tmp_path, monkeypatch):
    """A timeout is retried by the next run (with its own --timeout); a corrupt file is not redone;
    a too-large file is retried when the limits change."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_good.txt").write_text(seed_text(0, "a"), encoding="utf-8")
    (src / "hang.txt").write_text(seed_text(1, "h"), encoding="utf-8")
    (src / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (src / "big.txt").write_text(seed_text(2, "b") * 40, encoding="utf-8")
    out = tmp_path / "out"
    small = Limits.load().replace(text_bytes=64 << 10)
    monkeypatch.setenv(HANG_ON_ENV, "hang.txt")
    code, first = run([str(src)], opts(out, timeout=8, limits=small))
    r1 = {Path(r["path"]).name: r for r in first}
    assert code == 1
    assert r1["hang.txt"]["error_kind"] == "timeout" and "8 s" in r1["hang.txt"]["error"]
    assert r1["broken.docx"]["error_kind"] == "corrupt-file"
    assert r1["big.txt"]["error_kind"] == "too-large" and "text_bytes" in r1["big.txt"]["error"]
    monkeypatch.delenv(HANG_ON_ENV)
    code, second = run([str(src)], opts(out, limits=small))
    r2 = {Path(r["path"]).name: r for r in second}
    assert r2["hang.txt"]["status"] == "ok"  # retried
    assert r2["broken.docx"] == r1["broken.docx"]  # kept: the same row, not redone
    assert r2["big.txt"] == r1["big.txt"]
    code, third = run([str(src)], opts(out))  # default limits: the text fits now
    r3 = {Path(r["path"]).name: r for r in third}
    assert code == 1 and r3["big.txt"]["status"] == "ok"
    assert r3["broken.docx"]["error_kind"] == "corrupt-file"  # redone under the new limits, same verdict


# ------------------------------------------------------------------------------------ text, HTML, images


def test_text_and_line_limits(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "huge.txt").write_bytes(b"a line of text\n" * 300_000)  # 4.5 MB, limit 4 MB: never read whole
    line = " ".join(["সভায় সিদ্ধান্ত গৃহীত হয়"] * 50_000)  # one line of 1.3 million characters (3.5 MB)
    (src / "longline.txt").write_text(seed_text(0, "l") + line + "\n", encoding="utf-8")
    (src / "deep.html").write_text("<html><body>" + "<div><span>x " * 20_000 + "সভার কার্যবিবরণী"
                                   + "</span></div>" * 20_000 + "<p>শেষ</p></body></html>", encoding="utf-8")
    limits = Limits.load().replace(text_bytes=4 << 20, text_chars=2_000_000)
    out = tmp_path / "out"
    t0 = time.monotonic()
    code, manifest = run([str(src)], opts(out, limits=limits, timeout=60))
    rows = {Path(r["path"]).name: r for r in manifest}
    assert code == 1
    assert rows["huge.txt"]["error_kind"] == "too-large" and "text_bytes=4194304" in rows["huge.txt"]["error"]
    assert rows["longline.txt"]["status"] == "ok", rows["longline.txt"]["error"]  # no spaCy E088
    assert rows["deep.html"]["status"] in ("ok", "not-minutes"), rows["deep.html"]  # no RecursionError
    assert time.monotonic() - t0 < 40
    import json

    doc = json.loads((out / "documents" / f"{rows['longline.txt']['doc_id']}.json").read_text(encoding="utf-8"))
    assert any("cut into" in w and "line_chars" in w for w in doc["warnings"])
    from pipeline.ingest import ingest
    from pipeline.model import TooLarge

    with pytest.raises(TooLarge, match="text_chars"):
        ingest(src / "longline.txt", limits=limits.replace(text_chars=500_000))


def test_split_span_cuts_at_spaces_within_the_limit():
    from pipeline.ingest import split_span

    assert split_span("সভা সভা সভা", 7) == ["সভা সভা", "সভা"]
    assert split_span("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    spans = split_span(" ".join(["ab"] * 1000), 50)
    assert all(len(s) <= 50 for s in spans) and " ".join(spans) == " ".join(["ab"] * 1000)


def test_render_dpi_fits_the_pixel_limit():
    from pipeline.ingest.pdf import fit_dpi
    from pipeline.model import TooLarge

    lim = Limits.load()
    assert fit_dpi(595, 842, 300, lim) == 300  # A4: 8.7 Mpx
    a0 = fit_dpi(2384, 3370, 300, lim)  # A0 at 300 dpi would be 139 Mpx
    assert 100 <= a0 < 300 and (2384 * a0 / 72) * (3370 * a0 / 72) <= lim.page_pixels
    with pytest.raises(TooLarge, match="page_pixels"):
        fit_dpi(10_000, 10_000, 300, lim)


def test_pil_enforces_the_stated_pixel_limit(tmp_path):
    """An image just over page_pixels is refused naming the limit; one under it is not refused
    as a bomb (PIL's own default, 89.5 Mpx, no longer decides)."""
    from PIL import Image

    from pipeline.ingest.image import ingest_image
    from pipeline.model import TooLarge

    buf = io.BytesIO()
    Image.new("L", (1200, 1000), 255).save(buf, format="PNG")
    with pytest.raises(TooLarge, match="page_pixels=1000000"):
        ingest_image(buf.getvalue(), "wide.png", limits=Limits.load().replace(page_pixels=1_000_000))


# ------------------------------------------------------------------------------------ memory


def _hog(megabytes: int, ready) -> None:
    block = bytearray(megabytes << 20)  # touched: resident, not just reserved
    for i in range(0, len(block), 4096):
        block[i] = 1
    ready.set()
    time.sleep(60)


def test_memory_watch_stops_a_child_past_the_limit():
    """The watch the runner runs between results, on a real child holding 300 MB against a 200 MB
    limit (and one holding 20 MB, left alone)."""
    import multiprocessing

    from pipeline.children import MemoryWatch

    # spawned, not forked: a forked child's resident memory includes the pages it shares with
    # pytest's process, which grows with the suite (at ~185 MB the 20 MB child passed 200 MB)
    ctx = multiprocessing.get_context("spawn")
    events = [ctx.Event(), ctx.Event()]
    big = ctx.Process(target=_hog, args=(300, events[0]))
    small = ctx.Process(target=_hog, args=(20, events[1]))
    big.start(), small.start()
    try:
        assert all(e.wait(30) for e in events)
        # spawned children hold only their own pages: a fixed 200 MB limit tells them apart
        watch = MemoryWatch(200 << 20, interval=0)
        watch.check()
        big.join(10)
        assert big.exitcode == -signal.SIGKILL
        assert set(watch.killed) == {big.pid} and watch.killed[big.pid] > 300 << 20
        assert small.is_alive()
    finally:
        for p in (big, small):
            if p.is_alive():
                p.kill()
            p.join()


# ------------------------------------------------------------------------------------ processes


def _tree(pid: int) -> set[int]:
    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return set()


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.add(pid)
        except psutil.Error:
            pass
    return alive


def test_kill_9_while_tables_are_written_leaves_no_child_and_rerun_is_clean(tmp_path):
    src = tmp_path / "in"
    for k in range(3):
        (src / f"{k}.txt").parent.mkdir(exist_ok=True)
        (src / f"{k}.txt").write_text(seed_text(k, "k"), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([*MINUTES, "run", str(src), "--out", str(out), "--workers", "2"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: set[int] = set()
    workers: set[int] = set()  # children seen before every file was journaled: the pool's workers
    journal = out / ".work" / "journal.jsonl"
    deadline = time.monotonic() + 120
    killed = False
    while proc.poll() is None and time.monotonic() < deadline:
        now = _tree(proc.pid)
        seen |= now
        done = journal.exists() and len(journal.read_bytes().splitlines()) >= 3
        if not done:
            workers |= now
        elif now - workers:  # a child started after the last file: a table writer
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    assert killed, "the table writers were never seen"
    time.sleep(1.0)
    assert not _alive(seen), "children outlived the killed run"
    code = cli("run", str(src), "--out", str(out)).returncode
    assert code == 0
    clean = tmp_path / "clean"
    assert cli("run", str(src), "--out", str(clean)).returncode == 0
    for name in ("meetings", "decisions"):
        a = load_outputs(out)[name].sort_values(list(load_outputs(out)[name].columns[:2])).reset_index(drop=True)
        b = load_outputs(clean)[name].sort_values(list(load_outputs(clean)[name].columns[:2])).reset_index(drop=True)
        assert a.drop(columns=["path"], errors="ignore").equals(b.drop(columns=["path"], errors="ignore"))


def test_second_run_on_the_same_out_waits_for_the_lock(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(seed_text(0, "lock"), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    with run_lock(out):
        proc = subprocess.Popen([*MINUTES, "run", str(src), "--out", str(out), "--workers", "1"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        assert proc.poll() is None  # still waiting
        assert not (out / "manifest.csv").exists()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert "another run" in err and "waiting" in err
    assert len(manifest_csv(out)) == 1


# ------------------------------------------------------------------------------------ output folder


def test_output_folder_problems_exit_3(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(seed_text(0, "o"), encoding="utf-8")
    parent_is_a_file = tmp_path / "file"
    parent_is_a_file.write_text("")
    proc = cli("run", str(src), "--out", str(parent_is_a_file / "out"))
    assert proc.returncode == 3 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture
def tmpfs(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.decode().strip()}): the disk-full case needs one")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_exits_3_and_the_next_run_completes(tmp_path, tmpfs):
    src = tmp_path / "in"
    src.mkdir()
    for k in range(3):
        (src / f"{k}.txt").write_text(seed_text(k, "full"), encoding="utf-8")
    out = tmpfs / "out"
    proc = cli("run", str(src), "--out", str(out), "--workers", "1")
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.strip().startswith("minutes: cannot write the output folder") and "Traceback" not in proc.stderr
    subprocess.run(["mount", "-o", "remount,size=64m", str(tmpfs)], check=True)
    proc = cli("run", str(src), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert sorted(load_outputs(out)["meetings"]["doc_id"]) == sorted(r["doc_id"] for r in manifest_csv(out))
    ro = cli("run", str(src), "--out", str(out), "--workers", "1")
    assert ro.returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    proc = cli("run", str(src), "--out", str(out), "--workers", "1")
    assert proc.returncode == 3 and "Read-only" in proc.stderr, proc.stderr


# ------------------------------------------------------------------------------------ terminal, search


def test_terminal_output_escapes_control_characters(tmp_path):
    f = tmp_path / "esc.txt"
    f.write_text(seed_text(0, "esc") + "সভার কার্যবিবরণী \x1b]0;owned\x07 \x1b[2J শেষ\tঘর\n", encoding="utf-8")
    proc = cli("text", str(f))
    assert proc.returncode == 0
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "\\x1b[2J" in proc.stdout and "\t" in proc.stdout
    assert for_terminal("a\x9bb\udce9") == "a\\x9bb\\xe9"
    assert for_display("x\ry\n") == "x\\x0dy\\x0a"


def test_search_without_a_database_creates_none(tmp_path):
    proc = cli("search", "সভা", "--out", str(tmp_path))
    assert proc.returncode == 2 and "no minutes.sqlite" in proc.stderr
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------ documentation


def test_readme_table_lists_every_limit_and_failure_kind():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Limits and failure kinds", 1)[1].split("\n## ", 1)[0]
    defaults = Limits.load()
    for name in descriptions():
        row = next((ln for ln in section.splitlines() if f"`{flag_name(name)}`" in ln), None)
        assert row is not None, name
        assert f"{getattr(defaults, name):,}" in row or str(getattr(defaults, name)) in row, row
    for kind, spec in failure_kinds().items():
        row = next((ln for ln in section.splitlines() if ln.startswith(f"| `{kind}`")), None)
        assert row is not None, kind
        assert ("| yes |" if spec["retried"] else "| no |") in row, row
