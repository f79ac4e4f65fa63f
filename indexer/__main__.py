"""`python -m indexer`: the indexer command line."""

from indexer.cli import main

main()
