"""``glossary serve``: the lookup site on a production WSGI server (gunicorn, see web/server.py)."""

from __future__ import annotations

import click

from . import cli


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (gunicorn). Default: two per CPU core.")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              help="Threads in each worker. Python runs one thread at a time per process: a second "
                   "thread makes searches wait for each other (measured with bench/load.py).")
@click.option("--keepalive", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seconds to keep an idle connection open (gthread workers). 0: sync workers, each taking "
                   "a connection only when it is free (see the README's figures).")
@click.option("--read-timeout", type=click.FloatRange(min=0), default=60, show_default=True,
              help="Seconds a request (headers and body) may take to arrive once its connection is accepted; a "
                   "slower client gets 408 and its worker goes back to work. 0: no bound (sync workers only).")
@click.option("--debug", is_flag=True, help="Use Flask's development server with reloading and tracebacks.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int | None, threads: int, keepalive: int,
          read_timeout: float, debug: bool) -> None:
    """Serve the lookup site and JSON API.

    \b
    Example:
      glossary serve --port 8000
    """
    import glossary
    from glossary import config
    from web import create_app

    database = ctx.find_root().obj.get("database")
    settings = {"DATABASE_URL": database} if database else None
    if debug:
        create_app(settings).run(host=host, port=port, debug=True)
        return
    from web.server import Server, default_workers

    # Create and seed the store once, here, before the workers start and open it themselves.
    glossary.open(database or config.database_url()).engine.dispose()
    count = workers or default_workers()
    click.echo(f"serving on http://{host}:{port} (gunicorn, {count} workers x {threads} threads, keep-alive "
               f"{keepalive} s; Ctrl+C stops)", err=True)
    Server(lambda: create_app(settings), host, port, count, threads, keepalive=keepalive,
           read_timeout=read_timeout).run()
