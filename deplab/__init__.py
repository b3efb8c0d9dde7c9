"""DepLab: a desktop lab for dependency syntax.

The engine is ``deplab.parser`` (folder ``parser/``) and the application ``deplab.app`` (folder ``app/``).
In an installed wheel both live inside this package; in a source checkout they stand beside this folder,
and the checkout's root is added to this package's search path so that the same imports find them.
"""
from __future__ import annotations

import os as _os

__version__ = "0.2.0"

_here = _os.path.dirname(_os.path.abspath(__file__))
if not _os.path.isdir(_os.path.join(_here, "parser")):  # a source checkout: parser/, app/ and resources/ beside us
    _root = _os.path.dirname(_here)
    if _os.path.isdir(_os.path.join(_root, "parser")) and _root not in __path__:
        __path__.append(_root)
