"""Command line: `qa ingest`, `qa ask`, `qa eval`, `qa serve`."""
