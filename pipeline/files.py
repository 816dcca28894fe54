"""Reading bytes into text with clear errors, and atomic writes.

Why: a file that cannot be decoded must name itself and where it failed, and a write
must never leave a half-written file behind (issues 2 and 8): writes go to a temporary
file in the same folder, are flushed to disk, then ``os.replace`` the target, keeping
its permissions, its encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM) and, through a
symlink, the link itself.

>>> decode_bytes(b"\\xef\\xbb\\xbfhoi", "a.txt")
('hoi', True)
>>> sniff_encoding(b"\\xff\\xfeh\\x00"), sniff_encoding(b"\\xef\\xbb\\xbfh"), sniff_encoding(b"h")
('utf-16-le', 'utf-8-sig', 'utf-8')
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from pipeline.errors import ParseError

__all__ = ["ENCODINGS", "atomic_write", "decode_bytes", "load_text", "read_text_file", "sniff_encoding"]

BOM = "\ufeff"
#: The encodings a transcript is read in and written back in. UTF-16 only with its BOM:
#: without one, UTF-16 cannot be told from binary data reliably.
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16-le", "utf-16-be")


def sniff_encoding(data: bytes) -> str:
    """The encoding ``decode_bytes`` uses for ``data``, from its byte order mark."""
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be"
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    return "utf-8"


def _looks_like_utf16(head: bytes) -> bool:
    """Mostly-ASCII UTF-16 without a BOM: every other byte is NUL (issue 8)."""
    if len(head) < 4 or len(head) % 2:
        return False
    even, odd = head[0::2], head[1::2]
    return (odd.count(0) == len(odd) and even.count(0) == 0) or (
        even.count(0) == len(even) and odd.count(0) == 0
    )


def decode_bytes(data: bytes, path: str) -> tuple[str, bool]:
    """UTF-8 (with or without BOM) to ``str``; anything else is a ``ParseError``.

    Returns the text without BOM and whether there was one. UTF-16 is accepted when it
    says so with its BOM, since Windows tools write it; other encodings are refused
    rather than guessed, so nothing is silently garbled.
    """
    if not data:
        raise ParseError(path, None, None, "file is empty")
    encoding = sniff_encoding(data)
    if encoding.startswith("utf-16"):
        try:
            return data[2:].decode(encoding), True
        except UnicodeDecodeError as exc:
            raise ParseError(path, None, None, f"invalid UTF-16: {exc.reason}") from None
    head = data[:8192]
    if b"\x00" in head:
        if _looks_like_utf16(head[: len(head) - len(head) % 2]):
            raise ParseError(path, None, None, "UTF-16 without a byte order mark; re-save the file as UTF-8")
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


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        try:
            os.scandir(path).close()
        except OSError as exc:
            raise ParseError(str(path), None, None, f"cannot read folder: {exc.strerror or exc}") from None
        raise ParseError(str(path), None, None, "is a folder, not a file") from None
    except OSError as exc:
        raise ParseError(str(path), None, None, f"cannot read: {exc.strerror or exc}") from None


def read_text_file(path: Path) -> tuple[str, bool]:
    """The text of ``path`` and whether it had a byte order mark."""
    return decode_bytes(_read_bytes(path), str(path))


def load_text(path: Path) -> tuple[str, str]:
    """The text of ``path`` and its encoding (one of ``ENCODINGS``), to write it back alike.

    Why: a UTF-16 file rewritten as UTF-8 would break the tool that wrote it (issue 8).
    """
    data = _read_bytes(path)
    text, _ = decode_bytes(data, str(path))
    return text, sniff_encoding(data)


def atomic_write(
    path: Path, text: str, *, bom: bool = False, encoding: str = "utf-8", mode: int | None = None
) -> None:
    """Write ``text`` so that ``path`` is always either old or new, never half.

    ``encoding`` is one of ``ENCODINGS`` (``bom=True`` is ``utf-8-sig``); UTF-16 is
    written with its BOM. An existing file keeps its permissions; a new one gets
    ``mode`` (e.g. the source's, so a private transcript stays private in ``--out``) or
    the umask default. A symlink is written through, so the link survives.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"unsupported encoding {encoding!r}")
    if bom and encoding == "utf-8":
        encoding = "utf-8-sig"
    # Encode first: an unencodable text must fail before anything touches the disk.
    if encoding.startswith("utf-16"):
        data = (BOM + text).encode(encoding)
    else:
        data = ((BOM if encoding == "utf-8-sig" else "") + text).encode("utf-8")
    path = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    if st is not None and not os.access(path, os.W_OK):
        # Like open(path, "w"): a read-only file is not replaced (root may still write).
        raise PermissionError(13, "Permission denied (file is read-only)", str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.chown(tmp, st.st_uid, st.st_gid)  # root fixing a user's file
                except OSError:
                    pass
        else:
            os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (a power cut right after it keeps the new file)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
