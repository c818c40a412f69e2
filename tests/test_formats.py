"""The format registry checked against itself: every format is reachable everywhere it should be."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import glossary
from conftest import DATA
from glossary.cli import cli
from glossary.csvio import read_terms
from glossary.formats import EXPORTS, IMPORTS, detect_import_format, export_format, import_format

#: Formats the issue asks for; the registry may hold more.
REQUIRED_EXPORTS = {"csv", "csv-excel", "tbx", "tbx2", "xlsx"}
REQUIRED_IMPORTS = {"csv", "tsv", "xlsx", "tbx"}


def choices(command: str, option: str) -> set[str]:
    param = next(p for p in cli.commands[command].params if p.name == option)
    assert isinstance(param.type, click.Choice)
    return set(param.type.choices)


@pytest.fixture(scope="module")
def terms() -> list:
    return read_terms(DATA / "interchange-terms.csv")


def test_the_required_formats_are_registered() -> None:
    assert REQUIRED_EXPORTS <= set(EXPORTS)
    assert REQUIRED_IMPORTS <= set(IMPORTS)


def test_every_export_format_is_a_cli_choice_and_every_import_format_too() -> None:
    assert choices("export", "fmt") == set(EXPORTS)
    assert choices("import", "fmt") == set(IMPORTS)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_export_format_has_a_writer_and_its_output_imports_back(tmp_path: Path, terms, name: str) -> None:
    fmt = export_format(name)
    assert fmt.media_type and fmt.extension and fmt.label
    data = fmt.write(terms)
    assert data
    if not fmt.importable:  # a document to read (the style guides): tests/test_styleguide.py
        assert not fmt.lossless and all(t.preferred.text.encode() in data for t in terms if fmt.extension != "docx")
        return
    path = tmp_path / f"export.{fmt.extension}"
    path.write_bytes(data)
    back = detect_import_format(path).read(path, {})
    if fmt.lossless:
        assert back == terms
    else:  # the glossary sheet reads back as a client glossary: headwords, pinyin, renderings to use
        assert sorted((t.simplified, t.traditional, t.pinyin, t.preferred.text) for t in back) == sorted(
            (t.simplified, t.traditional, t.pinyin, t.preferred.text) for t in terms)


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_every_import_extension_detects_its_format(name: str) -> None:
    fmt = import_format(name)
    assert fmt.extensions
    for extension in fmt.extensions:
        assert detect_import_format(Path(f"file{extension.upper()}")) is fmt


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_cli_export_writes_every_format(tmp_path: Path, terms, name: str) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = glossary.open(url, seed=False)
    store.import_terms(terms)
    store.engine.dispose()
    out = tmp_path / f"out.{EXPORTS[name].extension}"
    result = CliRunner().invoke(cli, ["--db", url, "export", "--format", name, "-o", str(out)])
    assert result.exit_code == 0, result.output
    if not EXPORTS[name].importable:
        assert out.read_bytes() == EXPORTS[name].write(terms) or EXPORTS[name].extension == "docx"
        return
    back = detect_import_format(out).read(out, {})
    if EXPORTS[name].lossless:
        assert back == terms
    else:
        assert sorted(t.preferred.text for t in back) == sorted(t.preferred.text for t in terms)


def test_every_export_format_has_a_web_route(tmp_path: Path, terms) -> None:
    """/api/v1/export.<format> for each registered format (the web app's side of the registry)."""
    import web
    store = glossary.open(f"sqlite:///{tmp_path / 'store.sqlite3'}", seed=False)
    store.import_terms(terms)
    client = web.create_app({"GLOSSARY": store, "TESTING": True}).test_client()
    for name, fmt in EXPORTS.items():
        response = client.get(f"/api/v1/export.{name}")
        assert response.status_code == 200, name
        assert response.mimetype == fmt.media_type.split(";")[0], name
        assert f".{fmt.extension}" in response.headers["Content-Disposition"], name
        assert response.data, name
