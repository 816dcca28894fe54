"""Reading bytes into text with clear errors, and atomic writes.

Why: a file that cannot be decoded must name itself and where it failed, and a write
must never leave a half-written file behind (issues 2 and 8): writes go to a temporary
file in the same folder, are flushed to disk, then ``os.replace`` the target, keeping
its permissions.

>>> decode_bytes(b"\\xef\\xbb\\xbfhoi", "a.txt")
('hoi', True)
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from pipeline.errors import ParseError

__all__ = ["atomic_write", "decode_bytes", "read_text_file"]

BOM = "\ufeff"


def decode_bytes(data: bytes, path: str) -> tuple[str, bool]:
    """UTF-8 (with or without BOM) to ``str``; anything else is a ``ParseError``.

    Returns the text without BOM and whether there was one. UTF-16 is accepted when it
    says so with its BOM, since Windows tools write it; other encodings are refused
    rather than guessed, so nothing is silently garbled.
    """
    if not data:
        raise ParseError(path, None, None, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), True
        except UnicodeDecodeError as exc:
            raise ParseError(path, None, None, f"invalid UTF-16: {exc.reason}") from None
    if b"\x00" in data[:8192]:
        raise ParseError(path, None, None, "binary file (contains NUL bytes), not a transcript")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParseError(
            path, line, column, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); re-save the file as UTF-8"
        ) from None
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def read_text_file(path: Path) -> tuple[str, bool]:
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ParseError(str(path), None, None, "is a folder, not a file") from None
    except OSError as exc:
        raise ParseError(str(path), None, None, f"cannot read: {exc.strerror or exc}") from None
    return decode_bytes(data, str(path))


def atomic_write(path: Path, text: str, *, bom: bool = False) -> None:
    """Write ``text`` as UTF-8 so that ``path`` is always either old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = None
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write((BOM if bom else "") + text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
