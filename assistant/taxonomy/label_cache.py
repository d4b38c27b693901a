"""Labels kept in memory (`cached_labels`, as `repository.labels` answers).

Labels change only when the taxonomy or a label set is imported again, yet a plan turn looks
up its gaps' labels and every course's skills': about a tenth of the action server's CPU under
load went there when each lookup asked the database (py-spy over `make bench`'s load levels).
They are kept per process and database and dropped when the imports' stamp changes; the stamp
is read at most every STAMP_SECONDS, so an import made by another process shows within that
time, with no restart. An import in this process drops them at once (`forget`).
`repository.cached_labels` reads through it."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.db import taxonomy_models as m

STAMP_SECONDS = 10.0
KEPT_AT_MOST = 200_000  # (uri, language) pairs: every ESCO concept in about three languages

LabelInfo = tuple[str, str]


def labels_stamp(session: Session) -> tuple:
    """Changes whenever labels may have: each taxonomy or label-set import records its time."""
    versions = session.execute(select(func.count(), func.max(m.TaxonomyVersion.imported_at)))
    sets = session.execute(select(func.count(), func.max(m.TaxonomyLabelSet.imported_at)))
    return (*versions.one(), *sets.one())


class LabelCache:
    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self._kept: dict[tuple[str, str, str], LabelInfo | None] = {}
        self._stamps: dict[str, tuple] = {}
        self._checked: dict[str, float] = {}
        self._lock = threading.Lock()

    def labels(self, session: Session, uris: list[str], language: str, read) -> dict:
        """`read(session, uris, language)` for the labels not kept yet."""
        where = session.get_bind().url.render_as_string(hide_password=True)
        self._check_stamp(session, where)
        with self._lock:
            found = {u: self._kept[k] for u in uris if (k := (where, u, language)) in self._kept}
        missing = [u for u in uris if u not in found]
        if missing:
            fresh = read(session, missing, language)
            with self._lock:
                if len(self._kept) + len(missing) > KEPT_AT_MOST:
                    self._kept.clear()
                for uri in missing:
                    # a concept the taxonomy does not know is kept too (as None): asked again,
                    # it is not looked for again
                    found[uri] = self._kept[(where, uri, language)] = fresh.get(uri)
        return {u: v for u, v in found.items() if v is not None}

    def _check_stamp(self, session: Session, where: str) -> None:
        now = self.clock()
        if where in self._checked and now - self._checked[where] < STAMP_SECONDS:
            return
        stamp = labels_stamp(session)
        with self._lock:
            if self._stamps.get(where) != stamp:
                self._kept = {k: v for k, v in self._kept.items() if k[0] != where}
                self._stamps[where] = stamp
            self._checked[where] = now

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()
            self._stamps.clear()
            self._checked.clear()


CACHE = LabelCache()


def forget() -> None:
    """Drops every kept label (an import in this process has just changed them)."""
    CACHE.forget()
