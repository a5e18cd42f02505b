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
        from sg_assess.tui.app import run

        run(args[1] if args else (os.environ.get("SG_ASSESS_DB") or None))
        return
    from sg_assess.cli import main as cli_main

    cli_main()
