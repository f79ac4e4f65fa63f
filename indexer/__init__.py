"""Morgue's write path: parsers, entity and date extraction, and the indexer command line."""
