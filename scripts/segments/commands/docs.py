"""`segments docs [--serve]`: the dbt docs site of the built warehouse (pipeline.docs)."""

from __future__ import annotations

import argparse

from segments.commands import common
from segments.core import project
from segments.engines import dbt
from segments.pipeline import docs

DEFAULT_PORT = 8080


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "docs",
        help="generate the dbt docs site (and serve it on 127.0.0.1 with --serve)",
        description=docs.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--serve", action="store_true", help="serve the site after writing it")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port to serve on (default: %(default)s)"
    )
    common.add_target(parser, "whose warehouse to document")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    site = docs.generate_site(project.warehouse_path(args.target), args.target)
    print(
        f"wrote the dbt docs site to {site}; from disk: {site / 'static_index.html'} "
        f"(dbt's full log: {dbt.log_file(args.target)})"
    )
    if args.serve:
        docs.serve(site, args.port)
    return 0
