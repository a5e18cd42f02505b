"""Errors a user can act on.

Every error the core raises for a user carries a one-line message that says
what is wrong and, where there is something to do, what to do.  The CLI and the
TUI show ``str(error)`` and nothing else; any other exception is a bug.
"""


class SgError(Exception):
    """A problem the user can understand and act on (one line)."""

    exit_code = 1


class UsageError(SgError):
    """The command was asked for something that cannot be done as asked."""

    exit_code = 2


class NotFound(SgError):
    """No record matches the id or prefix given."""


class ValidationError(SgError):
    """A value does not fit its question; nothing was written."""


class QuestionnaireError(SgError):
    """A questionnaire file is broken.  ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0] if len(problems) == 1 else f"{problems[0]} (and {len(problems) - 1} more)")


class DatabaseError(SgError):
    """The database cannot be used as asked; it was not modified."""


class ExportError(SgError):
    """An export file could not be written."""


class Refused(SgError):
    """The workflow does not allow this (a signed-off record, someone else's draft, a self sign-off)."""


class GapsRefused(Refused):
    """The quality check stops this step; ``gaps`` are the quality.Gap objects that stop it."""

    def __init__(self, message: str, gaps: list):  # list[quality.Gap]: errors.py imports nothing of the core
        self.gaps = gaps
        super().__init__(message)


class SubmitRefused(GapsRefused):
    """Required answers are missing or an urgent gap is open, and no reason was given."""


class SignOffRefused(GapsRefused):
    """An urgent gap is open (no override), or the outcome named is not the one recorded."""
