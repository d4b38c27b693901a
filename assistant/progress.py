"""Progress bars for long jobs (index builds, training, imports), on stderr."""

from __future__ import annotations

import sys


def progress_bar(label: str, unit: str = "text"):
    from tqdm import tqdm

    bars = []  # created on the first update, so an index that is up to date prints nothing

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(desc=label, unit=unit, total=total, file=sys.stderr))
        bar = bars[0]
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update
