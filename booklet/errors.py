"""Errors shown to users: one line each, a non-zero exit code, never a traceback."""
from __future__ import annotations

import click


class BookletError(click.ClickException):
    """A problem with the user's input or setup; its message is the whole story."""

    exit_code = 2


class InputError(BookletError):
    """A file, field or option holds something we cannot use.

    `problems` keeps every line found, so `booklet check` can list them all while
    `booklet build` stops at the first.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        if more:
            first += f" (and {more} more problem{'s' if more > 1 else ''}: run 'booklet check')"
        super().__init__(first)


class OutputError(BookletError):
    """The PDF could not be written where the user asked."""

    exit_code = 1


class ChecksFailed(BookletError):
    """`booklet check` found problems; it has listed them already."""

    exit_code = 1


class JobsFailed(BookletError):
    """`booklet batch` built what it could; the summary lists the jobs that failed."""

    exit_code = 1
