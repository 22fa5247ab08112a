"""Staged JSONL files: any content (valid lines, broken JSON, wrong kinds, binary, deep nesting)
is read without an exception; every non-blank line becomes a posting or a quarantine record."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipeline.stages.load import read_staged
from spiders.items import to_staged_line
from spiders.parsing.record import build_posting
from tests.fuzz import strategies as s
from tests.fuzz.budget import fuzz_settings, tally
from tests.fuzz.contract import check_output

GOOD = to_staged_line(
    build_posting(
        "fuzz",
        "https://jobs.example/1",
        {"id": 1},
        {
            "canonical_url": "https://jobs.example/1",
            "title": "Community manager",
            "description_html": "<p>Animer les réseaux sociaux.</p>",
        },
    )
)
LINES = st.one_of(
    st.just(GOOD),
    st.builds(lambda n: GOOD[:n], st.integers(min_value=0, max_value=len(GOOD))),
    st.builds(lambda v: json.dumps(v), s.JSON),
    st.builds(
        lambda k, r: json.dumps({"kind": k, "record": r}),
        st.sampled_from(["posting", "quarantine", "x"]),
        s.JSON,
    ),
    st.builds(lambda n: "[" * n + "]" * n, st.integers(min_value=1, max_value=200_000)),
    s.TEXT,
)


@fuzz_settings
@given(
    lines=st.lists(
        st.one_of(LINES.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=80)),
        max_size=8,
    )
)
def test_any_staged_file_is_read_without_an_exception(lines: list[bytes]) -> None:
    tally("staged/read_staged")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "batch.jsonl"
        path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
        batch = read_staged(path, "fuzz")
        with path.open(encoding="utf-8", errors="replace") as handle:  # as read_staged splits
            expected = sum(1 for line in handle if line.strip())
    assert len(batch.postings) + len(batch.quarantined) == expected
    for record in [*batch.postings, *batch.quarantined]:
        check_output(record)
