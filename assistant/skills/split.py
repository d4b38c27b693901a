"""Where the development sets are, and their fixed split into a tune and a frozen test part.
Apart from the evaluation so that what reads the split (the linker's training pairs, the cue
measurements) does not import the evaluation and the models it loads."""

from __future__ import annotations

import hashlib

from assistant.config import PROJECT_ROOT

DEVSET_DIR = PROJECT_ROOT / "tests" / "data" / "devset"

# The development sets are split once, by a fixed seed, into a tune part (about 70%) and a
# frozen test part (about 30%): rules, lexicons, calibration and model choices may look at
# the tune part only, and every claim is made on the test part. Hashing each item's id keeps
# an item in its part when others are added.
SPLIT_SEED = "puente-devset-2026-12"
TEST_SHARE = 3  # in tenths
PARTS = ("test", "tune")


def part_of(item_id: str) -> str:
    """'test' (frozen) or 'tune' for a development-set item."""
    digest = hashlib.sha256(f"{SPLIT_SEED}:{item_id}".encode()).hexdigest()
    return "test" if int(digest, 16) % 10 < TEST_SHARE else "tune"
