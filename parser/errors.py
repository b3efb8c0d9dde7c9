"""Errors a command reports as one line (file, line, what is wrong) instead of a traceback."""


class UserError(Exception):
    """Bad input or options from the user."""


class ModelError(UserError):
    """A model folder that cannot be loaded (missing file, wrong format)."""
