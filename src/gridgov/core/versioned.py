"""A per-process cache of something costly to build from the database (the spatial index, the
address matcher's index, the working calendar), kept until a version stamp in the database moves.

Every writer bumps the stamp in its own transaction, so each process notices another process's
change with one cheap query and rebuilds, without signals or a message bus (ADR 0004).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
V = TypeVar("V", bound=Hashable)


class VersionedCache(Generic[V, T]):
    def __init__(self, version: Callable[[], V], build: Callable[[V], T]) -> None:
        self._version = version
        self._build = build
        self._lock = threading.Lock()
        self._entry: tuple[V, T] | None = None

    def get(self) -> T:
        """The cached value when the stamp has not moved; one query to find out."""
        version = self._version()
        entry = self._entry
        if entry is not None and entry[0] == version:
            return entry[1]
        with self._lock:
            if self._entry is None or self._entry[0] != version:
                self._entry = (version, self._build(version))
            return self._entry[1]

    def reset(self) -> None:
        """Forget the value (tests roll the stamp back between cases)."""
        with self._lock:
            self._entry = None
