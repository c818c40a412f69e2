"""The ``glossary`` command: a thin click shell over the library (the only module using click)."""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

import click

from .. import config
from ..engine import is_database_error, store_error
from ..errors import GlossaryError


class Failure(click.ClickException):
    """What went wrong, on stderr, with exit status 2 (1 is for findings: check and lint)."""

    exit_code = 2


class _Group(click.Group):
    """Turns every GlossaryError into one clear line on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GlossaryError as error:
            raise Failure(str(error)) from error
        except BrokenPipeError:
            raise
        except (ValueError, OSError) as error:
            raise Failure(str(error)) from error
        except Exception as error:
            if not is_database_error(error):
                raise
            url = ctx.find_root().obj.get("database") or config.database_url()
            raise Failure(str(store_error(error, url))) from error


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zh-policy-glossary")
@click.option("--db", "database", envvar="GLOSSARY_DATABASE_URL", metavar="URL",
              help="SQLAlchemy URL of the store (default: the SQLite store in instance/).")
@click.pass_context
def cli(ctx: click.Context, database: str | None) -> None:
    """A curated glossary of Chinese policy language.

    \b
    Example:
      glossary lookup "mingyun gongtongti"
    """
    ctx.obj = {"database": database}


def open_glossary(ctx: click.Context) -> Any:
    """The Glossary for this invocation (opened once, seeded from terms.csv if new)."""
    import glossary

    obj = ctx.find_root().obj
    if "glossary" not in obj:
        obj["glossary"] = glossary.open(obj.get("database"))
    return obj["glossary"]


def main() -> None:
    """Entry point of the console script and ``python -m glossary``."""
    try:
        cli(prog_name="glossary")
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    finally:
        # On the way out the collector would walk every object left (pypinyin's dictionaries,
        # the pinyin caches an import fills) more than once: 3 s after a 117k-entry import.
        # They are freed all the same; the walk is what is skipped.
        gc.freeze()


# The command modules register themselves on `cli`.
from . import annotate, curate, serve, store  # noqa: E402,F401
