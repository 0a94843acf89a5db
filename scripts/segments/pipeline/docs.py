"""`segments docs [--serve]`: the dbt docs site of the built warehouse.

Generates the site with `dbt docs generate --static` from the project and the
warehouse's catalog (column types, row counts) into target/ (target/<target>
for another target): `index.html` beside `manifest.json` and `catalog.json`,
and `static_index.html`, the same site in one file that opens from disk.
dbt opens its database read-write, so the catalog is read from a copy of the
warehouse (removed after): readers connected to it (a BI tool) are no matter.
With --serve it then serves that folder on 127.0.0.1 only (not on every
network interface) until Ctrl-C.
"""

from __future__ import annotations

import argparse
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from segments.commands import common as options
from segments.core import project
from segments.core.errors import SegmentsError
from segments.engines import dbt
from segments.warehouse.file import snapshot, storage_explained

HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "docs",
        help="generate the dbt docs site (and serve it on 127.0.0.1 with --serve)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--serve", action="store_true", help="serve the site after writing it")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port to serve on (default: %(default)s)"
    )
    options.add_target(parser, "whose warehouse to document")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    warehouse = project.warehouse_path(args.target)
    if not warehouse.exists():
        raise SegmentsError(
            f"no warehouse at {warehouse}: the docs read its catalog; run `make build` "
            "(or `segments build --raw-dir DIR`) first"
        )
    with storage_explained(warehouse), snapshot(warehouse) as copy:
        site = dbt.generate_docs(copy, args.target)
    print(f"wrote the dbt docs site to {site}; from disk: {site / 'static_index.html'}")
    if args.serve:
        server = docs_server(site, args.port)
        host, port = server.server_address[:2]
        print(f"serving http://{host}:{port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        finally:
            server.server_close()
    return 0


def docs_server(site: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server of `site` on 127.0.0.1:`port` (0: a free port), not yet serving."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    try:
        return ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        raise SegmentsError(f"cannot serve on {HOST}:{port}: {error.strerror}") from None
