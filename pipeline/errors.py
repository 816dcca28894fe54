"""Typed errors raised by the library; only ``cli.py`` turns them into exit codes.

Why: a user pointing the tool at a bad file must get one clear line (file, line,
problem), never a traceback (house style point 10).

>>> str(ParseError("a.vtt", 3, 1, "bad timestamp"))
'a.vtt:3:1: bad timestamp'
"""

from __future__ import annotations

__all__ = ["ConfigError", "GlossaryError", "ParseError", "TranscriptFixError"]


class TranscriptFixError(Exception):
    """Base of every error the library raises on purpose."""


class ParseError(TranscriptFixError):
    """A transcript that cannot be read, with the place where reading failed."""

    def __init__(
        self, path: str, line: int | None, column: int | None, message: str
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class GlossaryError(TranscriptFixError):
    """A glossary file that does not validate; names the file, line, entry and field."""

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.entry = entry
        self.field = field
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line is not None else "")
        what = ""
        if self.entry:
            what += f" entry '{self.entry}'"
        if self.field:
            what += f" field '{self.field}'"
        return f"{where}:{what} {self.message}".replace(": ", ": ", 1)


class ConfigError(TranscriptFixError):
    """An option or config value that makes no sense (e.g. suggest above apply)."""
