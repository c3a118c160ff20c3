"""The one error type for bad input, whatever door it came through.

Services raise :class:`InvalidInput` with one message per field; the API turns it
into a 422 JSON error, forms into field messages, the CLI into a one-line reason and
a non-zero exit. Nothing is written when it is raised.
"""

from __future__ import annotations


class InvalidInput(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in problems.items()))
        self.problems = problems
