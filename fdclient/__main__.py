"""``python -m fdclient`` runs the command line."""

import sys

from fdclient.cli import main

sys.exit(main())
