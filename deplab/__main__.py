"""``python -m deplab``: the same as the ``deplab`` console script."""
import sys

from deplab.app.launcher import main

sys.exit(main())
