"""Windows: save what was typed before a console window closes.

On Windows, closing the console window, logging off or shutting down sends no
SIGHUP or SIGTERM: the process gets a console control event (CTRL_CLOSE_EVENT
and friends) on a thread of its own and is ended about five seconds later, or
as soon as the handler returns.  ``install`` registers a handler through
``SetConsoleCtrlHandler`` that saves first (as SIGHUP does elsewhere), and
ctrl+break (``signal.SIGBREAK``) that saves and quits like SIGTERM.

Everything Windows-only is injected (``platform``, ``kernel32``, ``functype``,
``signals``) so that each branch is unit-tested on any machine.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

CTRL_C_EVENT = 0
CTRL_BREAK_EVENT = 1
CTRL_CLOSE_EVENT = 2
CTRL_LOGOFF_EVENT = 5
CTRL_SHUTDOWN_EVENT = 6
ENDING = frozenset({CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT})


def console_handler(save: Callable[[], object]) -> Callable[[int], int]:
    """The handler routine: on a closing event, save and return TRUE (Windows then ends the process)."""

    def routine(event: int) -> int:
        if event not in ENDING:
            return 0  # ctrl+c, ctrl+break: not ours here (the app's keys and SIGBREAK handle them)
        try:
            save()
        except Exception:  # noqa: BLE001 - the window is closing whatever happens: never raise into Windows
            pass
        return 1

    return routine


def install(save: Callable[[], object], on_break: Callable[[int], object], *, platform: str = sys.platform,
            kernel32: Any = None, functype: Any = None, signals: Any = None) -> Any:
    """On Windows, save on console close and on ctrl+break; return the handler (keep a reference), else None.

    ``save`` runs on the handler's own thread (Windows calls it there); ``on_break`` is a signal handler
    body, run on the main thread like the SIGTERM one (save, then quit).
    """
    if platform != "win32":
        return None
    if signals is None:
        import signal as signals
    if kernel32 is None or functype is None:
        import ctypes

        kernel32 = kernel32 or ctypes.windll.kernel32  # type: ignore[attr-defined]
        # BOOL WINAPI HandlerRoutine(DWORD dwCtrlType)
        functype = functype or ctypes.WINFUNCTYPE(ctypes.c_int, ctypes.c_uint)  # type: ignore[attr-defined]
    handler = functype(console_handler(save))
    if not kernel32.SetConsoleCtrlHandler(handler, 1):
        handler = None
    sigbreak = getattr(signals, "SIGBREAK", None)
    if sigbreak is not None:
        signals.signal(sigbreak, lambda signum, _frame: on_break(signum))
    return handler
