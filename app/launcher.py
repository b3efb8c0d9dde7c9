"""The ``deplab`` console script: no arguments opens the app, otherwise the engine's subcommands."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        try:
            from deplab.app.main import run
        except ModuleNotFoundError as e:
            if e.name != "deplab.app.main":
                raise
            from deplab.parser.cli import main as cli_main
            return cli_main([])  # no app in this build: print the help
        return run()
    from deplab.parser.cli import main as cli_main
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
