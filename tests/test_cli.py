"""The `glossary` command: the issue's three lookups, import/export, info, help and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import DATA, TERMS_CSV
from glossary.cli import cli


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Invoke the CLI on a fresh SQLite store in tmp_path."""
    database = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["--db", database, *args], input=input)

    return invoke


@pytest.mark.parametrize("query", ["mingyun gongtongti", "命運共同體", "community of common destiny"])
def test_issue_lookups_find_community_with_a_shared_future(run, query: str) -> None:  # type: ignore[no-untyped-def]
    result = run("lookup", query)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("命运共同体 (命運共同體)  mìngyùn gòngtóngtǐ")


def test_lookup_of_superseded_rendering_says_so(run) -> None:  # type: ignore[no-untyped-def]
    result = run("lookup", "community of common destiny")
    assert "“community of common destiny” is superseded — now “community with a shared future”" in result.output


def test_lookup_json_gives_term_records(run) -> None:  # type: ignore[no-untyped-def]
    result = run("lookup", "核心利益", "--json")
    records = json.loads(result.output)
    assert records[0]["id"] == "core-interests"
    assert records[0]["pinyin"] == {"marks": "héxīn lìyì", "plain": "hexin liyi", "numbers": "he2xin1 li4yi4"}


@pytest.mark.parametrize("style, expected", [("plain", "yongjiu quanmian zhanlue huoban guanxi"),
                                             ("numbers", "yong3jiu3 quan2mian4 zhan4lve4 huo3ban4 guan1xi4")])
def test_lookup_prints_pinyin_in_the_chosen_style(run, style: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    result = run("lookup", "永久全面战略伙伴关系", "--pinyin", style)
    assert expected in result.output


def test_lookup_with_no_result_fails_with_advice(run) -> None:  # type: ignore[no-untyped-def]
    result = run("lookup", "qqqqzzzz")
    assert result.exit_code != 0
    assert "try pinyin without tones" in result.output


def test_export_gives_terms_csv_bytes(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.csv"
    assert run("export", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == TERMS_CSV.read_bytes()


def test_export_excel_writes_bom(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "excel.csv"
    assert run("export", "--excel", "--domain", "places", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,") and "哈萨克斯坦".encode() in data and b"\r\n" in data


def test_import_dry_run_reports_without_writing(run) -> None:  # type: ignore[no-untyped-def]
    result = run("import", str(TERMS_CSV), "--dry-run")
    assert result.exit_code == 0 and "would import" in result.output and "0 added" in result.output


def test_import_of_broken_file_names_line_and_imports_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.csv"
    lines = (DATA / "small-terms.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("mìngyùn gòngtóngtǐ", "mìngyùn")
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = run("info").output
    result = run("import", str(broken))
    assert result.exit_code != 0
    assert "broken.csv line 3, column pinyin: pinyin has 2 syllables" in result.output
    assert "1 problem, nothing was imported" in result.output
    assert run("info").output == before


def test_info_shows_store_and_counts(run) -> None:  # type: ignore[no-untyped-def]
    result = run("info")
    assert "store:" in result.output and "terms:" in result.output and "diplomacy" in result.output


def test_every_command_has_help_with_an_example() -> None:
    assert isinstance(cli, click.Group)
    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, f"'glossary {name} --help' should show an example"


def test_python_dash_m_glossary_runs(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "glossary", "--db", f"sqlite:///{tmp_path / 'm.sqlite3'}",
                             "lookup", "hexin liyi"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "核心利益" in result.stdout


def test_bad_database_url_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", "postgresql+psycopg://x@127.0.0.1:1/none?connect_timeout=2", "info"])
    assert result.exit_code != 0
    assert result.output.startswith("Error: cannot open the store") and "Traceback" not in result.output


def test_import_timings_lists_the_steps_on_stderr(tmp_path: Path) -> None:
    rows = TERMS_CSV.read_text(encoding="utf-8").splitlines()[:1]
    new = tmp_path / "new.csv"
    new.write_text("\n".join(rows + ["timing-test,测时试验,,,,timing test,,,general,,,,,"]) + "\n", encoding="utf-8")
    database = f"sqlite:///{tmp_path / 't.sqlite3'}"
    result = CliRunner().invoke(cli, ["--db", database, "import", str(new), "--timings"])
    assert result.exit_code == 0, result.output
    steps = [line.split()[0] for line in result.stderr.splitlines() if "%  cpu" in line]
    assert {"read", "insert", "commit"} <= set(steps)
    assert "1 added" in result.stdout


def _many_entries(path: Path, count: int = 2500) -> Path:
    """A terms.csv-format file of ``count`` new entries, pinyin and traditional left to generate."""
    characters = "山水风云花草木石田土江河湖海林"
    headwords = [a + b + c for a in characters for b in characters for c in characters][:count]
    rows = TERMS_CSV.read_text(encoding="utf-8").splitlines()[:1]
    rows += [f"many-{index},{headword},,,,entry {index},,,general,,,,," for index, headword in enumerate(headwords)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("terminal, seconds_per_tick, shown", [
    (True, 1.0, True),     # a long import on a terminal: the bar, reading then writing
    (False, 1.0, False),   # the same import into a log or a pipe: no carriage-return clutter
    (True, 0.0, False),    # a quick import on a terminal: quiet
])
def test_import_shows_progress_on_a_terminal_once_it_runs_a_couple_of_seconds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool, seconds_per_tick: float, shown: bool) -> None:
    from glossary.cli import progress

    clock = iter(range(10**6))  # each look at the clock, seconds_per_tick later
    monkeypatch.setattr(progress.time, "monotonic", lambda: next(clock) * seconds_per_tick)
    monkeypatch.setattr(progress, "stderr_is_terminal", lambda: terminal)
    source = _many_entries(tmp_path / "many.csv")
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'p.sqlite3'}", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "imported: 2500 added, 0 updated, 0 unchanged"
    if shown:
        assert "\rreading  [########################------]  80%  2,000/2,500" in result.stderr
        assert "\rwriting  [##############################] 100%  2,500/2,500" in result.stderr
        assert result.stderr.endswith("\r")  # the line is cleared before the report
    else:
        assert result.stderr == ""
