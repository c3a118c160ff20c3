"""Periodic work: the review, and the scheduler process that runs it."""
