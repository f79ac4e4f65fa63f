"""Morgue's read path: the Flask app (search page, article page, saved searches, RSS, JSON API)."""
