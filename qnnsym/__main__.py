"""``python -m qnnsym`` is the ``qnnsym`` command."""

import sys

from .cli import main

sys.exit(main())
