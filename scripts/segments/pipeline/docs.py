"""The dbt docs site of the built warehouse (`segments docs [--serve]`).

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

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from segments.core.errors import SegmentsError
from segments.engines import dbt
from segments.warehouse.file import snapshot, storage_explained

HOST = "127.0.0.1"


def generate_site(warehouse: Path, target: str) -> Path:
    """Write the docs site of `warehouse` (read from a snapshot of it); its folder."""
    if not warehouse.exists():
        raise SegmentsError(
            f"no warehouse at {warehouse}: the docs read its catalog; run `make build` "
            "(or `segments build --raw-dir DIR`) first"
        )
    with storage_explained(warehouse), snapshot(warehouse) as copy:
        return dbt.generate_docs(copy, target)


def serve(site: Path, port: int) -> None:
    """Serve `site` on 127.0.0.1:`port` until Ctrl-C."""
    server = docs_server(site, port)
    host, bound = server.server_address[:2]
    print(f"serving http://{host}:{bound}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    finally:
        server.server_close()


def docs_server(site: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server of `site` on 127.0.0.1:`port` (0: a free port), not yet serving."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    try:
        return ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        raise SegmentsError(f"cannot serve on {HOST}:{port}: {error.strerror}") from None
