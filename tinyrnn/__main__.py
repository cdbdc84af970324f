"""Run the command line: python -m tinyrnn."""
import sys

from .cli import main

sys.exit(main())
