"""The annotation cost limit (web/limits.py): slots shared through file locks, 503 + Retry-After.

A slot is held here the way another worker holds it: an exclusive flock on its file, from
another open file (and, in one test, another process).
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

import glossary
from web import create_app
from web.errors import error_body
from web.limits import Slots

LIMITED = [("/api/v1/annotate", {"text": "构建人类命运共同体"}), ("/api/v1/check", {"text": "One Belt, One Road"})]


@contextmanager
def held(directory: Path, index: int) -> Iterator[None]:
    """Hold slot ``index`` as another worker would."""
    directory.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(directory / f"slot-{index}", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        yield
    finally:
        os.close(descriptor)


@pytest.fixture
def limited_app(web_store: glossary.Glossary, tmp_path: Path) -> Flask:
    return create_app({"GLOSSARY": web_store, "TESTING": True, "ANNOTATE_CONCURRENCY": 2,
                       "ANNOTATE_LOCK_DIR": str(tmp_path / "slots"), "ANNOTATE_RETRY_AFTER": 3,
                       "ANNOTATE_SLOT_ABOVE_BYTES": 0})


@pytest.mark.parametrize(("url", "body"), LIMITED)
def test_an_annotation_runs_while_a_slot_is_free(limited_app: Flask, tmp_path: Path, url: str,
                                                 body: dict[str, str]) -> None:
    with held(tmp_path / "slots", 0):  # one of two taken
        assert limited_app.test_client().post(url, json=body).status_code == 200


@pytest.mark.parametrize(("url", "body"), LIMITED)
def test_an_annotation_is_refused_with_503_and_retry_after_when_every_slot_is_taken(
        limited_app: Flask, tmp_path: Path, url: str, body: dict[str, str]) -> None:
    client = limited_app.test_client()
    with held(tmp_path / "slots", 0), held(tmp_path / "slots", 1):
        refused = client.post(url, json=body)
        assert client.get("/api/v1/search?q=mingyun").status_code == 200  # searches are not limited
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "3"
    data = refused.get_json()
    assert data == error_body(503, data["error"]["message"], retry_after=3)
    assert "annotating 2 texts already" in data["error"]["message"]
    assert client.post(url, json=body).status_code == 200  # the slots are free again


def test_the_annotate_page_is_refused_with_an_html_page_and_shown_without_a_slot(
        limited_app: Flask, tmp_path: Path) -> None:
    client = limited_app.test_client()
    with held(tmp_path / "slots", 0), held(tmp_path / "slots", 1):
        assert client.get("/annotate").status_code == 200
        refused = client.post("/annotate", data={"text": "构建人类命运共同体"})
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "3"
    assert "try again in 3 s" in refused.get_data(as_text=True)


def test_a_request_holds_its_slot_while_it_runs(limited_app: Flask, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """While one annotation runs (holding one slot) and another worker holds the other, a third
    request is refused."""
    client: FlaskClient = limited_app.test_client()
    seen: list[int] = []
    real = glossary.Glossary.annotate

    def annotate_and_try_another(self: glossary.Glossary, text: str, **options: object) -> str:
        if not seen:
            seen.append(client.post("/api/v1/annotate", json={"text": "一带一路"}).status_code)
        return real(self, text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(glossary.Glossary, "annotate", annotate_and_try_another)
    with held(tmp_path / "slots", 1):
        assert client.post("/api/v1/annotate", json={"text": "构建人类命运共同体"}).status_code == 200
    assert seen == [503]


def test_a_small_text_runs_without_a_slot(web_store: glossary.Glossary, tmp_path: Path) -> None:
    app = create_app({"GLOSSARY": web_store, "TESTING": True, "ANNOTATE_CONCURRENCY": 1,
                      "ANNOTATE_LOCK_DIR": str(tmp_path / "slots"), "ANNOTATE_SLOT_ABOVE_BYTES": 200})
    client = app.test_client()
    with held(tmp_path / "slots", 0):
        assert client.post("/api/v1/annotate", json={"text": "一带一路"}).status_code == 200
        assert client.post("/api/v1/annotate", json={"text": "一带一路" * 30}).status_code == 503


def _take_and_wait(directory: str, count: int, taken: object, release: object) -> None:
    with Slots(Path(directory), count).taken() as got:
        assert got
        taken.set()  # type: ignore[attr-defined]
        release.wait(30)  # type: ignore[attr-defined]


def test_slots_are_shared_between_processes(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    taken, release = context.Event(), context.Event()
    other = context.Process(target=_take_and_wait, args=(str(tmp_path), 1, taken, release))
    other.start()
    try:
        assert taken.wait(30)
        with Slots(tmp_path, 1).taken() as got:
            assert not got
    finally:
        release.set()
        other.join(30)
    with Slots(tmp_path, 1).taken() as got:
        assert got


def test_no_limit_with_zero_slots(tmp_path: Path) -> None:
    slots = Slots(tmp_path, 0)
    with slots.taken() as first, slots.taken() as second:
        assert first and second
