"""The audit page in headless Chromium (Playwright): paste, submit, read the verdict.

Uses Debian's chromium (``apt-get install -y chromium``) through Playwright's
Python package (no ``playwright install``); skipped cleanly when either is
missing. Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.audit.runner import Auditor, ModelUnavailableError
from pipeline.web.app import create_app

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "audit"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    import uvicorn

    model = os.environ.get("ROLESCOPE_AUDIT_MODEL")  # default: the shipped classifier
    auditor = Auditor(Path(model) if model else None)
    try:
        auditor.warm_up()
    except ModelUnavailableError as exc:
        pytest.skip(f"models unavailable: {exc}")
    port = _free_port()
    config = uvicorn.Config(
        create_app(auditor), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not web.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    web.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.goto(server + "/")
    yield tab
    # nothing but the local server was ever asked for anything, no script ever ran
    assert all(url.startswith(server) for url in requests), requests
    assert dialogs == []
    context.close()


def _fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def _screenshot(tab: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", ["fr_title_cm_reads_smm.yaml", "fr_cm_matches.yaml"])
def test_paste_submit_and_read_the_verdict(page: Any, name: str) -> None:
    posting = _fixture(name)
    page.fill("#title", posting["title"])
    page.fill("#ad", posting["text"])
    page.click("#submit")
    page.wait_for_selector("#verdict")
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == posting["expect"]["verdict"]
    label = page.inner_text("#verdict-label")
    assert (
        label
        == {
            "matches": "L'annonce correspond au poste annoncé",
            "reads_as_other_role": "L'annonce décrit un autre poste",
            "ambiguous": "L'annonce est ambiguë",
        }[posting["expect"]["verdict"]]
    )
    assert (
        page.locator("#predicted-role").get_attribute("data-role") == posting["expect"]["predicted"]
    )
    assert page.input_value("#title") == posting["title"]  # the form keeps what was pasted
    assert page.locator("#verdict blockquote").count() >= 1  # evidence quoted from the ad
    _screenshot(page, f"web-audit-{posting['id']}")


def test_script_tags_are_displayed_not_run(page: Any) -> None:
    posting = _fixture("fr_cm_matches.yaml")
    page.fill("#title", "<script>alert('title')</script>Community Manager (H/F)")
    page.fill("#ad", posting["text"] + "\n<script>alert('ad')</script><img src=x onerror=alert(1)>")
    page.click("#submit")
    page.wait_for_selector("#verdict")
    assert "<script>alert('title')</script>Community Manager (H/F)" in page.inner_text("#report h1")
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0


def test_five_megabytes_get_a_clear_message(page: Any) -> None:
    page.fill("#title", "Community Manager")
    page.evaluate("document.querySelector('#ad').value = 'a'.repeat(5 * 1024 * 1024)")
    page.click("#submit")
    page.wait_for_selector("#error")
    assert "limite de 200 KB" in page.inner_text("#error")
    assert page.locator("#verdict").count() == 0
    _screenshot(page, "web-audit-too-large")


def test_binary_gets_a_clear_message(page: Any) -> None:
    page.fill("#title", "Community Manager")
    page.evaluate(
        "document.querySelector('#ad').value = "
        "String.fromCharCode(...Array.from({length: 2000}, (_, i) => i % 32))"
    )
    page.click("#submit")
    page.wait_for_selector("#error")
    assert "n'est pas du texte" in page.inner_text("#error")
