"""`python -m web [--host H] [--port N] [--data-dir D]`: serve an archive with waitress."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import config

THREADS = 8


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web", description=__doc__)
    parser.add_argument("--host", default=config.HOST, help="address to listen on [%(default)s]")
    parser.add_argument("--port", type=int, default=config.PORT, help="port [%(default)s]")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=config.DATA_DIR,
        help="the archive's data folder [$MORGUE_DATA_DIR or ./data]",
    )
    args = parser.parse_args(argv)
    if args.data_dir.exists() and not args.data_dir.is_dir():
        print(f"{args.data_dir} is not a folder.", file=sys.stderr)
        return 2

    from waitress import serve

    from web import create_app

    app = create_app({"DATA_DIR": args.data_dir})
    print(
        f"Morgue is serving {args.data_dir.resolve()} at http://{args.host}:{args.port}/",
        flush=True,
    )
    print("Press Ctrl+C to stop.", flush=True)
    try:
        serve(app, host=args.host, port=args.port, threads=THREADS, ident="Morgue")
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
