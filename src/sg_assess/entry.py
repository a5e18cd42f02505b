"""The ``sg-assess`` command.

With no command (or only ``--db PATH``) it opens the app without importing
typer or the CLI, so the first screen paints sooner; anything else goes to the
CLI.  SG_ASSESS_DB is honoured either way.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    args = sys.argv[1:]
    if not args or (len(args) == 2 and args[0] == "--db"):
        from sg_assess.errors import SgError
        from sg_assess.tui.app import run

        try:
            run(args[1] if args else (os.environ.get("SG_ASSESS_DB") or None))
        except SgError as exc:  # a config file that cannot be read: one line, as the CLI says it
            from sg_assess.safetext import one_line

            print(f"sg-assess: {one_line(str(exc))}", file=sys.stderr)
            sys.exit(exc.exit_code)
        return
    from sg_assess.cli import main as cli_main

    cli_main()
