"""Billing inputs made safe to hand to DuckDB.

Every path is taken literally: DuckDB would expand `*`, `?` and `[...]` in a file name and
read other files too, so each file is read through a link with a plain name in the engine's
own folder. Patterns are expanded here, and only when asked for (a folder, or `--glob`). An
input must be a regular file (a FIFO or a device would block or never end), is recognised by
its first bytes whatever its name says, and a gzip stream is checked end to end before it is
read: its checksums and lengths, what it decompresses to and its compression ratio. A corrupt
stream is an error naming the file and the byte offset, never a report on part of the rows.
"""

from __future__ import annotations

import glob as globbing
import os
import stat
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ...errors import BillingInputError

Content = Literal["csv", "gzip", "parquet"]

# First bytes of the containers people export billing data in; only gzip and Parquet are
# read, the others are named in the error so the fix is obvious.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"PAR1", "parquet"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PK\x03\x04", "zip"),
)
# What a folder given as an input is searched for (recursively, hidden files skipped).
FOLDER_SUFFIXES = (".csv", ".csv.gz", ".parquet")
_CHUNK = 1 << 16  # compressed bytes fed at a time: an error's offset is known to 64 KiB
_OUT = 1 << 20  # decompressed bytes produced at a time: memory stays bounded on a bomb
_RATIO_FROM = 1 << 24  # the ratio is judged once 16 MiB are out (tiny files compress oddly)


@dataclass(frozen=True)
class InputLimits:
    """What one input may decompress to, its compression ratio and its longest line."""

    max_decompressed_bytes: int = 64 << 30
    max_compression_ratio: float = 250.0
    max_line_bytes: int = 1 << 20


@dataclass(frozen=True)
class StagedFile:
    """One input as checked: the name the user gave (shown in messages and the report), the
    link DuckDB reads it through, what its bytes are, and its size on disk."""

    shown: str
    path: Path
    content: Content
    size_bytes: int


def expand_inputs(paths: Sequence[str | Path], globs: Sequence[str] = ()) -> list[str]:
    """The files named: each path literally, a folder as the billing files under it, each
    `globs` pattern as the files it matches (sorted); BillingInputError when one finds none."""
    found: list[str] = []
    for path in paths:
        text = str(path)
        found.extend(_folder_files(text) if Path(text).is_dir() else [text])
    for pattern in globs:
        matches = sorted(m for m in globbing.glob(pattern, recursive=True) if Path(m).is_file())
        if not matches:
            raise BillingInputError(f"--glob {pattern!r}: matches no file")
        found.extend(matches)
    return found


def _folder_files(folder: str) -> list[str]:
    root = Path(folder)
    files = sorted(
        str(p)
        for p in root.rglob("*")
        if p.is_file()
        and p.name.lower().endswith(FOLDER_SUFFIXES)
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    if not files:
        raise BillingInputError(
            f"{folder}: the folder holds no billing files ({', '.join(FOLDER_SUFFIXES)})"
        )
    return files


BILLING_EXPORT = "a FOCUS or CUR 2.0 export"


def regular_file(shown: str, expected: str = BILLING_EXPORT) -> os.stat_result:
    """The file's status; BillingInputError unless it is a regular, non-empty file (an
    empty one is named with what was `expected` in it)."""
    try:
        info = os.stat(shown)
    except FileNotFoundError:
        raise BillingInputError(f"{shown}: no such file") from None
    except OSError as exc:
        raise BillingInputError(f"{shown}: cannot read it: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise BillingInputError(f"{shown}: is a folder; pass the files in it")
    if not stat.S_ISREG(info.st_mode):
        raise BillingInputError(
            f"{shown}: not a regular file (a pipe, socket or device); save the export to a file"
        )
    if info.st_size == 0:
        raise BillingInputError(f"{shown}: empty file; expected {expected} with a header row")
    return info


def sniff(shown: str) -> Content:
    """What the file holds, from its first bytes; BillingInputError for a container the
    report does not read."""
    try:
        with open(shown, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise BillingInputError(f"{shown}: cannot read it: {exc.strerror}") from None
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if name in ("gzip", "parquet"):
                return "gzip" if name == "gzip" else "parquet"
            raise BillingInputError(
                f"{shown}: compressed with {name}, which is not read here; "
                "decompress it, or export CSV, gzip CSV or Parquet"
            )
    return "csv"


def verify_gzip(shown: str, size: int, limits: InputLimits) -> int:
    """The decompressed size of a gzip file, read to its end with every member's checksum
    and length checked; BillingInputError naming the offset of a corrupt or truncated stream,
    or the limit a decompression bomb passes."""
    inflate = _Inflate(shown, size, limits)
    with open(shown, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            inflate.feed(chunk)
    inflate.finish()
    return inflate.out


class _Inflate:
    """A gzip stream decompressed and counted chunk by chunk (members one after another,
    as concatenated gzip allows), nothing kept."""

    def __init__(self, shown: str, size: int, limits: InputLimits) -> None:
        self.shown, self.size, self.limits = shown, size, limits
        self.out = 0
        self.consumed = 0
        self.member: zlib._Decompress | None = None  # the member being read, if one started

    def feed(self, chunk: bytes) -> None:
        self.consumed += len(chunk)
        data = chunk
        while data:
            if self.member is None:
                self.member = zlib.decompressobj(wbits=31)
            try:
                piece = self.member.decompress(data, _OUT)
            except zlib.error as exc:
                raise BillingInputError(
                    f"{self.shown}: corrupt gzip data between byte "
                    f"{self.consumed - len(chunk):,} and {self.consumed:,} of {self.size:,} "
                    f"({exc}); the file is damaged or truncated"
                ) from None
            self.out += len(piece)
            self._check_growth()
            if self.member.eof:
                data = self.member.unused_data  # the next member, or nothing
                self.member = None
            else:
                data = self.member.unconsumed_tail

    def finish(self) -> None:
        if self.member is not None:
            raise BillingInputError(
                f"{self.shown}: the gzip stream ends early at byte {self.consumed:,} "
                "(a truncated download?)"
            )

    def _check_growth(self) -> None:
        limits = self.limits
        if self.out > limits.max_decompressed_bytes:
            raise BillingInputError(
                f"{self.shown}: decompresses to more than {limits.max_decompressed_bytes:,} "
                "bytes (--max-decompressed-gib); split the export or raise the limit"
            )
        if self.out > _RATIO_FROM and self.out > limits.max_compression_ratio * self.consumed:
            raise BillingInputError(
                f"{self.shown}: decompresses to more than {limits.max_compression_ratio:g} "
                f"times its size ({self.out:,} bytes from the first {self.consumed:,}): "
                "a decompression bomb? (--max-compression-ratio)"
            )


def stage(
    paths: Sequence[str | Path],
    folder: Path,
    limits: InputLimits,
    globs: Sequence[str] = (),
    expected: str = BILLING_EXPORT,
) -> list[StagedFile]:
    """Every input checked and linked under `folder` with a plain name, in the order given;
    BillingInputError for the first that cannot be read, or a file named twice."""
    shown = expand_inputs(paths, globs)
    if not shown:
        raise BillingInputError("no billing files given; pass at least one --billing FILE")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    seen: dict[tuple[int, int], str] = {}
    staged: list[StagedFile] = []
    for index, name in enumerate(shown):
        info = regular_file(name, expected)
        first = seen.get((info.st_dev, info.st_ino))
        if first is not None:
            raise BillingInputError(
                f"{name}: the same file as {first}, given twice; its rows would count twice"
            )
        seen[(info.st_dev, info.st_ino)] = name
        content = sniff(name)
        if content == "gzip":
            verify_gzip(name, info.st_size, limits)
        link = folder / f"input-{index:05d}"
        os.symlink(os.path.abspath(name), link)
        staged.append(StagedFile(name, link, content, info.st_size))
    return staged
