"""Safe spellings of text that others control (file names, document text) for files and terminals.

File names are carried as Python carries them, losslessly: bytes that are not UTF-8 are lone
surrogates (``os.fsdecode``'s surrogateescape), e.g. ``b"caf\\xe9.txt"`` -> ``"caf\\udce9.txt"``.
Such a string cannot be encoded as UTF-8 (JSON, SQLite, CSV), so it is *shown* with each such
byte spelled ``\\xe9``. Control characters (ESC starts terminal escape sequences) are shown as
``\\x1b``, so printing a name or a document's text cannot drive the terminal.
"""
from __future__ import annotations

import re

# C0 controls, DEL and C1 controls, e.g. "\x1b[2J" (clear screen) in a document's text; tab,
# newline and form feed are kept where the text's own layout needs them (see `for_terminal`).
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Lone surrogates: the undecodable bytes of a file name, e.g. "\udce9" for the byte 0xe9.
SURROGATES = re.compile(r"[\ud800-\udfff]")


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte it stands for
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def for_display(text: str) -> str:
    """A file name or message as valid UTF-8 with no control characters (CR, LF included):
    ``"a\\udce9\\rb"`` -> ``"a\\\\xe9\\\\x0db"``."""
    text = SURROGATES.sub(lambda m: _escape(m.group()), text)
    return CONTROL_CHARS.sub(lambda m: _escape(m.group()), text)


def for_terminal(text: str, keep: str = "") -> str:
    """``text`` for printing: controls escaped except those in ``keep`` (e.g. "\\t\\n\\f" for a
    document's own layout), undecodable bytes spelled ``\\xNN``."""
    text = SURROGATES.sub(lambda m: _escape(m.group()), text)
    return CONTROL_CHARS.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)
