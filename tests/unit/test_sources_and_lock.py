"""Sources file parsing, demo expansion, secret filtering, and the run lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.runlock import RunInProgressError, exclusive_run
from pipeline.sources import (
    SourcesFileError,
    expand_demo,
    needs_demo_server,
    public_config,
    read_sources,
)

FEED_A = "{name: a, type: feed, url: https://x.example/a.rss}"
FEED_B = "{name: b, type: feed, url: https://x.example/b.rss}"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_default_is_the_demo_board() -> None:
    from pipeline.config import BUNDLED_SOURCES

    entries = read_sources(BUNDLED_SOURCES)
    assert needs_demo_server(entries)
    expanded = expand_demo(entries, "http://127.0.0.1:1/sitemap.xml", "http://127.0.0.1:1/gh")
    assert [(e["name"], e["type"]) for e in expanded] == [
        ("demo-careers", "jsonld"),
        ("demo-greenhouse", "greenhouse"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: []", "non-empty"),
        ("sources:\n  - name: a\n", "name"),
        (
            f"sources:\n  - {FEED_A}\n  - {FEED_A}\n",
            "twice",
        ),
        ("sources: [unclosed", "not valid YAML"),
    ],
)
def test_malformed_sources_file_gets_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourcesFileError, match=message):
        read_sources(_write(tmp_path, text))


def test_only_one_source(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"sources:\n  - {FEED_A}\n  - {FEED_B}\n",
    )
    assert [e["name"] for e in read_sources(path, only="b")] == ["b"]
    with pytest.raises(SourcesFileError, match="no source named 'c'"):
        read_sources(path, only="c")


def test_public_config_drops_secrets() -> None:
    entry = {
        "name": "ft",
        "type": "france_travail",
        "client_secret": "s3cr3t",
        "api_key": "k",
        "api_base": "https://api.example",
    }
    assert public_config(entry) == {
        "name": "ft",
        "type": "france_travail",
        "api_base": "https://api.example",
    }


def test_second_run_is_refused_while_first_holds_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "nightly.lock"
    with exclusive_run(lock, "run-1"):
        code = (
            "import sys; from pathlib import Path; from pipeline.runlock import exclusive_run\n"
            f"with exclusive_run(Path({str(lock)!r}), 'run-2'): pass"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode != 0
        assert "another rolescope run is in progress" in proc.stderr
        assert "run-1" in proc.stderr
    # released: the next run may start
    with exclusive_run(lock, "run-3"):
        pass


def test_lock_is_released_when_the_holder_is_killed(tmp_path: Path) -> None:
    lock = tmp_path / "nightly.lock"
    code = (
        "import time; from pathlib import Path; from pipeline.runlock import exclusive_run\n"
        f"with exclusive_run(Path({str(lock)!r}), 'doomed'):\n"
        "    print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(RunInProgressError), exclusive_run(lock, "blocked"):
        pass
    holder.kill()
    holder.wait()
    with exclusive_run(lock, "after-kill") as held:
        assert [r["run_id"] for r in held.interrupted] == ["doomed"]  # it never said finished


def test_a_killed_holder_is_reported_to_every_next_holder_until_one_settles_it(
    tmp_path: Path,
) -> None:
    lock = tmp_path / "nightly.lock"
    code = (
        "import os, signal; from pathlib import Path; from pipeline.runlock import exclusive_run\n"
        f"with exclusive_run(Path({str(lock)!r}), 'doomed', {{'flow_run_id': 'f-1'}}):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == -9
    with exclusive_run(lock, "probe"):  # does not settle it: passes it on
        pass
    with exclusive_run(lock, "next") as held:
        assert held.interrupted == [
            {"run_id": "doomed", "pid": held.interrupted[0]["pid"],
             "started": held.interrupted[0]["started"], "flow_run_id": "f-1"}
        ]  # fmt: skip
        held.settle({"doomed"})
    with exclusive_run(lock, "after") as held:
        assert held.interrupted == []


def test_a_holder_that_ends_or_fails_is_not_reported(tmp_path: Path) -> None:
    lock = tmp_path / "nightly.lock"
    with exclusive_run(lock, "clean"):
        pass
    with pytest.raises(RuntimeError), exclusive_run(lock, "failing"):
        raise RuntimeError("a stage failed")
    with exclusive_run(lock, "next") as held:
        assert held.interrupted == []


def test_invalid_spider_source_is_reported_with_its_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "sources:\n  - {name: gh, type: greenhouse}\n")
    with pytest.raises(SourcesFileError, match="source 'gh' is invalid"):
        read_sources(path)
