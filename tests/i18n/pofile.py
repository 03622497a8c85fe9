"""A small reader for the gettext catalogs that ``makemessages`` writes.

The tests must run on a fresh clone without GNU gettext or extra packages, so
this reads PO files itself. It understands what makemessages produces:
comments, flags, msgctxt, msgid, msgid_plural, msgstr and msgstr[n], strings
split over several lines, and obsolete ``#~`` entries (which it skips).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


@dataclass
class Catalog:
    path: Path
    header: dict[str, str]
    header_fuzzy: bool
    entries: list[Entry]

    @property
    def nplurals(self) -> int:
        match = re.search(r"nplurals\s*=\s*(\d+)", self.header.get("Plural-Forms", ""))
        return int(match.group(1)) if match else 2


def _unquote(token: str, path: Path, lineno: int) -> str:
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"{path}:{lineno}: expected a quoted string, got {token!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise ValueError(f"{path}:{lineno}: bad escape in {token!r}")
            out.append(_ESCAPES[body[i + 1]])
            i += 2
            continue
        if char == '"':
            raise ValueError(f"{path}:{lineno}: unescaped quote in {token!r}")
        out.append(char)
        i += 1
    return "".join(out)


def parse(path: Path) -> Catalog:
    """Read a PO file; raise ValueError with the line number on malformed input."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None
    seen_keyword = False

    def finish() -> None:
        nonlocal current, target, seen_keyword
        if seen_keyword:
            entries.append(current)
        current, target, seen_keyword = Entry(), None, False

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue  # obsolete entry: not compiled, not checked
        if line.startswith("#"):
            if current.msgstr:
                finish()
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif line.startswith("#:"):
                current.references += line[2:].split()
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{lineno}: continuation line without a keyword")
            _append(current, target, _unquote(line, path, lineno))
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise ValueError(f"{path}:{lineno}: cannot read {raw!r}")
        keyword, index, token = match.group(1), match.group(2), match.group(3)
        if keyword in ("msgctxt", "msgid") and current.msgstr:
            finish()  # a new entry starts without a blank line before it
        if not seen_keyword:
            current.line = lineno
        seen_keyword = True
        name = "msgstr" if keyword.startswith("msgstr") else keyword
        target = (name, int(index) if index is not None else (0 if name == "msgstr" else None))
        _append(current, target, _unquote(token, path, lineno), start=True)
    finish()

    header: dict[str, str] = {}
    header_fuzzy = False
    body = []
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None and not header:
            header_fuzzy = entry.fuzzy
            for item in entry.msgstr.get(0, "").splitlines():
                key, _, value = item.partition(":")
                header[key.strip()] = value.strip()
            continue
        body.append(entry)
    return Catalog(path=path, header=header, header_fuzzy=header_fuzzy, entries=body)


def _append(entry: Entry, target: tuple[str, int | None], text: str, start: bool = False) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = ("" if start else entry.msgstr.get(index, "")) + text
    elif name == "msgid":
        entry.msgid = ("" if start else entry.msgid) + text
    elif name == "msgid_plural":
        entry.msgid_plural = ("" if start else entry.msgid_plural or "") + text
    else:
        entry.msgctxt = ("" if start else entry.msgctxt or "") + text
