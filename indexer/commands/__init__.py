"""One module per `python -m indexer` command, registered in indexer.cli."""
