"""``podcast serve``: the site and feed on a local web server."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer

from podcast.cli.common import ConfigOption, OutputOption, console, help_text, load_show_for, output_root
from podcast.publish.serve import make_server

HELP = """Serve the output folder (site, feed, episodes) over HTTP on this machine.

Answers byte-range requests (podcast apps and browsers seek with them), with the right
MIME types, ETags and 304s, gzip for text, and nothing outside the folder. One log line per
request on stderr. Ctrl-C (or SIGTERM) stops it at once.

Example: podcast serve --port 8000
"""


def register(app: typer.Typer) -> None:
    app.command("serve", help=help_text(HELP))(serve)


def serve(
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="TCP port (0: any free one).")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    output: OutputOption = None,
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No request log.")] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Close connections idle this long (seconds).")
    ] = 30.0,
) -> None:
    show = load_show_for(None, config)
    server = make_server(output_root(output, show), host, port, quiet=quiet, timeout=timeout)
    bound = server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    console.print(f"serving {output_root(output, show)} at http://{shown}:{bound}/ (Ctrl-C stops)", highlight=False)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops it like Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped", highlight=False)
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()  # connection threads are daemons: nothing waits for idle clients


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
