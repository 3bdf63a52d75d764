"""``podcast serve``: the site and feed on a local web server."""

from __future__ import annotations

from typing import Annotated

import typer

from podcast.cli.common import ConfigOption, OutputOption, console, help_text, load_show_for, output_root
from podcast.publish.serve import make_server

HELP = """Serve the output folder (site, feed, episodes) over HTTP on this machine.

Answers byte-range requests (podcast apps and browsers seek with them), with the right
MIME types and nothing outside the folder. Ctrl-C stops it.

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
) -> None:
    show = load_show_for(None, config)
    server = make_server(output_root(output, show), host, port, quiet=quiet)
    bound = server.server_address[1]
    console.print(f"serving {output_root(output, show)} at http://{host}:{bound}/ (Ctrl-C stops)", highlight=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped", highlight=False)
    finally:
        server.server_close()
