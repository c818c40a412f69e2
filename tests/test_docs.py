"""The README describes the project as it is: commands, domains, columns, configuration."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from conftest import ROOT
from glossary import Domain
from glossary.cli import cli
from glossary.csvio import COLUMNS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_commands_first() -> None:
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "make run" in first_block and "make test" in first_block


@pytest.mark.parametrize("domain", list(Domain), ids=lambda d: d.value)
def test_every_domain_is_documented(domain: Domain) -> None:
    assert f"| `{domain.value}` |" in README


@pytest.mark.parametrize("column", COLUMNS)
def test_every_terms_csv_column_is_documented(column: str) -> None:
    assert f"| `{column}` |" in README


def cli_lines() -> list[str]:
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if command.startswith("glossary "):
                lines.append(command)
    return lines


@pytest.mark.parametrize("line", cli_lines())
def test_readme_cli_examples_name_real_commands_and_options(line: str) -> None:
    args = shlex.split(line)[1:]
    command = cli.commands.get(args[0])
    assert command is not None, f"README shows unknown command: {line}"
    known = {opt for param in command.params for opt in getattr(param, "opts", [])} | {"--help"}
    for arg in args[1:]:
        if arg.startswith("--"):
            assert arg.split("=", 1)[0] in known, f"README shows unknown option {arg} in: {line}"
    assert CliRunner().invoke(cli, [args[0], "--help"]).exit_code == 0


@pytest.mark.parametrize("variable", ["GLOSSARY_DATABASE_URL", "GLOSSARY_HOME", "GLOSSARY_TERMS_CSV"])
def test_configuration_variables_are_documented(variable: str) -> None:
    assert f"`{variable}`" in README
