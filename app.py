"""Start the web chat: bring the index up to date with ./corpus, then serve on 127.0.0.1:7860.

Takes the flags of `qa serve` (`python app.py --help`: --port, --corpus, --index, ...), so the
one command a user starts with also explains itself.
"""

import sys

import qa  # noqa: F401  (offline environment first)
from qa.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
