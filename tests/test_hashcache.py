"""The input hash cache (pipeline.hashcache) on real files."""
from __future__ import annotations

import hashlib
import json
import os
import time

from pipeline.hashcache import RACY_NS, HashCache, is_racy, stat_key


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_hashes_and_remembers_across_save_and_load(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes("সভার কার্যবিবরণী".encode())
    cache = HashCache.load(tmp_path / "hashes.json", racy_ns=0)
    assert cache.sha256(str(f)) == sha(f.read_bytes()) and cache.hits == 0
    cache.save()
    again = HashCache.load(tmp_path / "hashes.json", racy_ns=0)
    assert again.sha256(str(f)) == sha(f.read_bytes()) and again.hits == 1


def test_a_remembered_hash_is_used_while_the_stat_is_unchanged(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"one")
    remembered = "f" * 64  # not the file's hash: returning it proves the file was not read
    cache = HashCache(tmp_path / "h.json", known={str(f): [*stat_key(os.stat(f)), remembered]})
    assert cache.sha256(str(f)) == remembered
    # same size, new bytes: mtime/ctime move, so the file is read again
    time.sleep(0.02)  # past the kernel's timestamp tick (a jiffy, <= 10 ms)
    f.write_bytes(b"two")
    cache = HashCache(tmp_path / "h.json", known=cache.seen, racy_ns=0)
    assert cache.sha256(str(f)) == sha(b"two") and cache.hits == 0


def test_edited_file_with_mtime_put_back_is_hashed_again(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"one")
    os.utime(f, ns=(1_000_000_000, 1_000_000_000))
    cache = HashCache(tmp_path / "h.json", racy_ns=0)  # no racy window: the stat alone decides
    cache.sha256(str(f))
    before = os.stat(f)
    time.sleep(0.02)  # past the kernel's timestamp tick (a jiffy, <= 10 ms)
    f.write_bytes(b"two")  # same size
    os.utime(f, ns=(1_000_000_000, 1_000_000_000))  # mtime set back as `cp -p` / `touch -d` do
    after = os.stat(f)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    cache = HashCache(tmp_path / "h.json", known=cache.seen, racy_ns=0)
    assert cache.sha256(str(f)) == sha(b"two")  # ctime cannot be set back


def test_racy_files_are_not_remembered(tmp_path):
    f = tmp_path / "new.txt"
    f.write_bytes(b"just written")
    cache = HashCache(tmp_path / "h.json")  # the default window: a file this fresh is racy
    assert cache.sha256(str(f)) == sha(b"just written")
    assert cache.seen == {}
    st = os.stat(f)
    assert is_racy(st, st.st_ctime_ns + RACY_NS - 1)
    assert not is_racy(st, st.st_ctime_ns + RACY_NS)


def test_only_files_seen_by_this_run_are_saved(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(b"a")
    b.write_bytes(b"b")
    cache = HashCache(tmp_path / "h.json", racy_ns=0)
    cache.sha256(str(a))
    cache.sha256(str(b))
    cache.save()
    cache = HashCache.load(tmp_path / "h.json", racy_ns=0)
    cache.sha256(str(a))
    cache.save()
    saved = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))["files"]
    assert list(saved) == [str(a)]


def test_unreadable_or_foreign_cache_is_ignored(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"a")
    path = tmp_path / "h.json"
    for text in ("{not json", json.dumps({"version": 0, "files": {str(f): "x"}}),
                 json.dumps({"version": 1, "files": {str(f): ["junk"]}}), json.dumps([1, 2])):
        path.write_text(text, encoding="utf-8")
        assert HashCache.load(path).sha256(str(f)) == sha(b"a"), text
