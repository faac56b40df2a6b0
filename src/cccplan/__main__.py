"""``python -m cccplan``: the same as the ``cccplan`` command."""

from __future__ import annotations

import sys

from cccplan.cli import main

if __name__ == "__main__":
    sys.exit(main())
