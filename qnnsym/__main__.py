"""``python -m qnnsym`` is the ``qnnsym`` command."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the package is still importing
    sys.stderr.write("\nqnnsym: interrupted\n")
    sys.exit(130)

sys.exit(main())
