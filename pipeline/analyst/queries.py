"""The documented analyst queries of sql/queries/: where they are and what they answer.

Each file opens with a comment header::

    -- Question: the question, possibly on
    --   several lines
    -- Columns:
    --   name  what the column holds
    -- Variables: optional note on getvariable() inputs
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent.parent.parent / "sql" / "queries"

_COLUMN_LINE = re.compile(r"^\s{2,}(\w+)\s+(.+)$")
_SECTION = re.compile(r"^(Question|Columns|Variables):\s*(.*)$")


@dataclass(frozen=True)
class QueryDoc:
    """One documented query: its name, file, question and returned columns."""

    name: str
    path: Path
    question: str
    columns: tuple[tuple[str, str], ...]
    notes: str = ""


def header_lines(text: str) -> list[str]:
    """The leading ``--`` comment lines of a SQL text, without the ``--``."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        lines.append(stripped[2:].rstrip()[1:] if stripped[2:3] == " " else stripped[2:])
    return lines


def parse_header(name: str, path: Path, text: str) -> QueryDoc:
    """Read the question and the documented columns from a query's header comment."""
    question: list[str] = []
    columns: list[tuple[str, str]] = []
    notes: list[str] = []
    section = ""
    for line in header_lines(text):
        match = _SECTION.match(line)
        if match:
            section = match.group(1)
            rest = match.group(2).strip()
            if rest:
                (question if section == "Question" else notes).append(rest)
            continue
        if section == "Columns":
            column = _COLUMN_LINE.match(line)
            if column:
                columns.append((column.group(1), column.group(2).strip()))
                continue
            section = "notes"
        if section == "Question" and line.startswith(" "):
            question.append(line.strip())
        elif line.strip():
            section = "notes"
            notes.append(line.strip())
    if not question or not columns:
        raise ValueError(f"{path}: header must give a Question and its Columns")
    return QueryDoc(name, path, " ".join(question), tuple(columns), " ".join(notes))


def query_name(path: Path) -> str:
    """A query's short name: its file name without the order prefix and extension."""
    return re.sub(r"^\d+_", "", path.stem)


def list_queries(directory: Path = QUERIES_DIR) -> list[QueryDoc]:
    """Every documented query, in file-name order."""
    return [
        parse_header(query_name(path), path, path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.sql"))
    ]


def find_query(name: str, directory: Path = QUERIES_DIR) -> Path | None:
    """The file of a documented query given by short name or file stem, if there is one."""
    for path in sorted(directory.glob("*.sql")):
        if name in (path.stem, query_name(path), path.name):
            return path
    return None
