"""The ticket lifecycle."""
