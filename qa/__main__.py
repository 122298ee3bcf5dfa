"""`python -m qa`: the same as the `qa` command."""

import sys

from qa.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
