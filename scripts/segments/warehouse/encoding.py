"""Raw files whose bytes are not UTF-8 text.

Bytes that are not text. A CSV file must be UTF-8 (a leading byte-order mark is
accepted). A row holding bytes that are not valid UTF-8 does not stop the load:
each invalid byte sequence is replaced by U+FFFD (the Unicode replacement
character) in a UTF-8 copy of the file, which is then read, so every row keeps
its place and the raw row count stays the file's data rows. The loader flags
in `_has_invalid_encoding` every row whose values, in the columns the project
reads, hold U+FFFD or a NUL byte (a U+FFFD already in the file means its text
was damaged before it reached us; bad bytes in an ignored column harm nothing),
and staging quarantines those rows as `invalid_encoding`: values whose
bytes are wrong cannot be trusted, and `audit.quarantined_rows.raw_values`
shows them (with U+FFFD) so they can be fixed at the source. When more than
`max_bad_share` of a file's rows are flagged, the file is refused: it is in
another encoding (Latin-1, Windows-1252, UTF-16...) and must be converted.
"""

from __future__ import annotations

import codecs
import gzip
import mmap
from pathlib import Path

from segments.core import sql
from segments.core.errors import InputFileError
from segments.warehouse import raw_layout

# Read in blocks of this size when checking and converting a file's encoding.
ENCODING_BLOCK_BYTES = 1 << 24
REPLACEMENT_CHARACTER = "\ufffd"


def utf8_copy(path: Path, scratch: Path) -> Path:
    """A UTF-8 copy of `path`, each invalid byte sequence replaced by U+FFFD.

    The replacement never touches the ASCII bytes CSV structure is made of
    (delimiters, quotes, line ends), so the copy has the same rows in the same order.
    """
    copy = scratch / (path.name.removesuffix(".gz") + ".utf8")
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    source = raw_layout.open_binary(path)
    with source, copy.open("w", encoding="utf-8", newline="") as target:
        while block := source.read(ENCODING_BLOCK_BYTES):
            target.write(decoder.decode(block))
        target.write(decoder.decode(b"", final=True))
    return copy


def invalid_encoding_sql(columns: list[tuple[str, str]]) -> str:
    """True when a text value of the row holds U+FFFD or a NUL byte."""
    checks = [
        f"coalesce(contains({sql.identifier(name)}, '{REPLACEMENT_CHARACTER}') "
        f"or contains({sql.identifier(name)}, chr(0)), false)"
        for name, data_type in columns
        if data_type == "VARCHAR"
    ]
    return " or ".join(checks) or "false"


def note_invalid_encoding(
    path: Path, rows: int, flagged: int, examples: list[int], max_bad_share: float
) -> None:
    """Note rows with bytes that are not text, or refuse the file when most rows have them."""
    shown = ", ".join(str(row) for row in examples)
    if flagged / rows > max_bad_share:
        raise InputFileError(
            f"{path.name}: {flagged} of {rows} rows hold bytes that are not UTF-8 text "
            f"(e.g. rows {shown}); the file is in another encoding (Latin-1, Windows-1252, "
            f"UTF-16...?). Convert it to UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8."
        )
    print(
        f"note: {path.name}: {flagged} row(s) hold bytes that are not UTF-8 text (rows {shown}"
        f"{', ...' if flagged > len(examples) else ''}); staging quarantines them as "
        "invalid_encoding (the bad bytes show as U+FFFD in audit.quarantined_rows)"
    )


def may_hold_invalid_text(parts: list[Path]) -> bool:
    """True when the files' bytes hold a NUL or an encoded U+FFFD anywhere.

    A byte search (memchr speed) that spares the per-value check of every
    column for the usual file that holds neither.
    """
    return any(_holds_invalid_text(part) for part in parts)


def _holds_invalid_text(path: Path) -> bool:
    needles = (b"\x00", REPLACEMENT_CHARACTER.encode())
    if path.name.endswith(".gz"):
        with gzip.open(path, "rb") as handle:
            tail = b""
            while block := handle.read(ENCODING_BLOCK_BYTES):
                window = tail + block
                if any(needle in window for needle in needles):
                    return True
                tail = window[-2:]
        return False
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return any(data.find(needle) >= 0 for needle in needles)
