"""Errors a command reports as one line (file, line, what is wrong) instead of a traceback.

The commands exit with 1 for a :class:`UserError` (and a :class:`ModelError`), with 2 for a
:class:`UsageError` (as argparse does for bad options) and with 130 when interrupted.
"""


class UserError(Exception):
    """Bad input or options from the user."""


class ModelError(UserError):
    """A model folder that cannot be loaded (missing file, wrong format)."""


class UsageError(UserError):
    """The command line is incomplete or contradictory (exit code 2, like argparse's own errors)."""
