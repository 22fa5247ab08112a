"""The local audit page over HTTP (no browser): headers, limits, hostile input, a real audit."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from fastapi.testclient import TestClient

from pipeline.audit.inputs import MAX_TEXT_BYTES
from pipeline.audit.runner import Auditor, ModelUnavailableError
from pipeline.web.app import create_app

pytestmark = pytest.mark.e2e
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def auditor() -> Auditor:
    model = os.environ.get("ROLESCOPE_AUDIT_MODEL")  # default: the shipped classifier
    return Auditor(Path(model) if model else None)


@pytest.fixture(scope="module")
def client(auditor: Auditor) -> Iterator[TestClient]:
    with TestClient(create_app(auditor), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def loaded(auditor: Auditor) -> Auditor:
    try:
        auditor.warm_up()
    except ModelUnavailableError as exc:
        pytest.skip(f"models unavailable: {exc}")
    return auditor


def test_form_page_is_self_contained(client: TestClient) -> None:
    response = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 200
    html = response.text
    assert '<form class="ad" method="post" action="/audit"' in html
    assert "Cette annonce décrit-elle le poste annoncé ?" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/?lang=en").text.count("Does this ad describe the role it claims?") == 1


def test_other_hosts_are_refused(client: TestClient) -> None:
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_oversize_ad_gets_a_clear_message(client: TestClient) -> None:
    body = urlencode({"title": "CM", "ad": "a" * (5 * 1024 * 1024), "ui": "en"})
    response = client.post("/audit", content=body, headers=FORM)
    assert response.status_code == 413
    assert "over the 200 KB limit" in response.text
    assert 'id="error"' in response.text


def test_ad_just_over_the_limit_names_its_size(client: TestClient) -> None:
    body = urlencode({"ad": "é" * (MAX_TEXT_BYTES // 2 + 100), "ui": "fr"})
    response = client.post("/audit", content=body, headers=FORM)
    assert response.status_code == 413
    assert "L&#39;annonce est trop longue (201 KB) : la limite est de 200 KB." in response.text


@pytest.mark.parametrize(
    "body",
    [
        "ad=%89PNG%0D%0A%1A%0A%00%00%00%0DIHDR&ui=en",  # a PNG header, NUL bytes
        "ad=%FF%FE%FD%80abc&ui=en",  # not UTF-8
        "ad=" + "%01%02%03%04" * 50 + "&ui=en",  # control characters
    ],
)
def test_binary_input_gets_a_clear_message(client: TestClient, body: str) -> None:
    response = client.post("/audit", content=body, headers=FORM)
    assert response.status_code == 400
    assert "This is not text" in response.text


def test_raw_binary_body_is_refused(client: TestClient) -> None:
    response = client.post("/audit", content=b"\x00\xff\xfe binary", headers=FORM)
    assert response.status_code == 400
    assert "This is not text" in response.text


def test_empty_ad_and_wrong_content_type(client: TestClient) -> None:
    empty = client.post("/audit", content="ad=+++&title=CM&ui=en", headers=FORM)
    assert empty.status_code == 400 and "The ad is empty" in empty.text
    multipart = client.post("/audit", files={"ad": ("ad.txt", b"hello")})
    assert multipart.status_code == 415


def test_script_tags_are_shown_as_text(client: TestClient, loaded: Auditor) -> None:
    posting = yaml.safe_load((FIXTURES / "fr_cm_matches.yaml").read_text(encoding="utf-8"))
    ad = posting["text"] + '\n<script>alert("x")</script><img src=x onerror=alert(1)>'
    body = urlencode({"title": '<script>alert("t")</script>Community Manager (H/F)', "ad": ad})
    response = client.post("/audit", content=body, headers=FORM)
    assert response.status_code == 200
    html = response.text
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;Community Manager (H/F)" in html
    assert 'id="verdict"' in html and 'id="fit-score"' in html
