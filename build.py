#!/usr/bin/env python3
"""Build the garden from a checkout: `python build.py [COMMAND] [ARGS]` is `garden [COMMAND] [ARGS]`."""

import sys

from garden.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
