"""Start the web chat: bring the index up to date with ./corpus, then serve on 127.0.0.1:7860."""

import sys

import qa  # noqa: F401  (offline environment first)
from qa.config import Settings
from qa.ui.app import serve

if __name__ == "__main__":
    sys.exit(serve(Settings()))
