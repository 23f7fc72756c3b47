"""``python -m openbmd``: the command line."""
import sys

from openbmd.cli.main import main

sys.exit(main())
