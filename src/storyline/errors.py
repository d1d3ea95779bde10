"""Errors storyline raises, in the user's terms.

    StorylineError            base of everything below; the CLI prints its message on one line
    ├── InputError            a path the user gave cannot be used at all (does not exist, ...)
    ├── StoreError            the SQLite store is missing, locked, or from a newer storyline
    └── NotFoundError         an id asked for is not in the store

Bad *records* inside readable inputs are not errors: readers yield `Rejected` records, which the
build quarantines with their reason, so one broken line never stops a corpus.
"""


class StorylineError(Exception):
    """Base class: its message is meant for the user, in one line."""


class InputError(StorylineError):
    """An input path cannot be used."""


class StoreError(StorylineError):
    """The store cannot be opened or is inconsistent."""


class NotFoundError(StorylineError):
    """An article, copy or story id is not in the store."""
