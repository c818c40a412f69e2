"""``glossary serve``: the lookup site on a production WSGI server (waitress)."""

from __future__ import annotations

import click

from . import cli


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
@click.option("--threads", default=4, show_default=True,
              help="Worker threads (waitress). Python runs one thread at a time: more threads than a "
                   "few per core only add waiting (measured with bench/load.py).")
@click.option("--debug", is_flag=True, help="Use Flask's development server with reloading and tracebacks.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int, debug: bool) -> None:
    """Serve the lookup site and JSON API.

    \b
    Example:
      glossary serve --port 8000
    """
    from web import create_app

    database = ctx.find_root().obj.get("database")
    app = create_app({"DATABASE_URL": database} if database else None)
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    import waitress

    click.echo(f"serving on http://{host}:{port} (waitress, {threads} threads; Ctrl+C stops)", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="glossary")
