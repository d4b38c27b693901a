"""The training loop: a plain torch loop over a sentence-transformers model with the
multiple-negatives ranking loss (in-batch negatives plus one hierarchy sibling per pair).

A plain loop, not `SentenceTransformer.fit`: since sentence-transformers 3 `fit` runs the
Hugging Face Trainer, which needs `datasets` and `accelerate`, two packages the engine does
not otherwise install.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.skills.training.pairs import Pair, batches

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class TrainingConfig:
    """How the linker is trained; every field is part of the model's cache key."""

    batch_size: int = 64
    epochs: int = 1
    learning_rate: float = 5e-5
    warmup_share: float = 0.1
    scale: float = 20.0  # cosine similarities times this are the loss's logits
    max_tokens: int = 64  # anchors are cut here (labels are far shorter)
    seed: int = 13
    freeze_word_embeddings: bool = True  # the English vocabulary stays as it is; ~15% faster
    autocast: str = "auto"  # auto: bfloat16 where the CPU computes it natively, else float32
    max_steps: int = 0  # 0: every batch; more only to time a short run

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainingReport:
    steps: int
    pairs: int
    seconds: float
    first_loss: float
    last_loss: float


def autocast_dtype(config: TrainingConfig) -> str:
    """bfloat16 arithmetic (float32 weights) where the CPU has it natively: measured about
    1.5x the float32 steps per second on 2 cores; emulated it would be slower."""
    if config.autocast != "auto":
        return config.autocast
    from assistant.skills.cpu import cpu_has_native_bf16

    return "bfloat16" if cpu_has_native_bf16() else "float32"


def _mask_value(dtype) -> float:
    import torch

    return torch.finfo(dtype).min


def batch_loss(model, batch: list[Pair], scale: float):
    """Cross-entropy of each anchor against every positive and negative text in the batch;
    the candidates that are right for an anchor (its `relevant` skills) other than its own
    positive are masked out, so a right answer is never pushed away."""
    import torch
    import torch.nn.functional as F

    texts: dict[str, int] = {}  # each candidate text embedded once
    owners: list[str] = []  # candidate column -> skill URI
    for pair in batch:
        if pair.positive not in texts:
            texts[pair.positive] = len(texts)
            owners.append(pair.skill)
    for pair in batch:
        if pair.negative and pair.negative not in texts:
            texts[pair.negative] = len(texts)
            owners.append(pair.negative_skill or "")
    anchors = _embed(model, [p.anchor for p in batch])
    candidates = _embed(model, list(texts))
    logits = scale * anchors @ candidates.T
    targets = torch.tensor([texts[p.positive] for p in batch])
    mask = torch.zeros_like(logits, dtype=torch.bool)
    for row, pair in enumerate(batch):
        for column, owner in enumerate(owners):
            if owner in pair.relevant and column != targets[row]:
                mask[row, column] = True
    logits = logits.masked_fill(mask, _mask_value(logits.dtype))
    return F.cross_entropy(logits, targets)


CHUNK = 16  # texts padded together


def _embed(model, texts: list[str]):
    """Unit vectors for `texts`, embedded in chunks of similar length: a batch mixes
    two-word labels with 60-token statements, and padding them all to the longest cost
    about four times the tokens."""
    import torch
    import torch.nn.functional as F

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    parts = []
    for start in range(0, len(order), CHUNK):
        chunk = [texts[i] for i in order[start : start + CHUNK]]
        features = model.preprocess(chunk)
        parts.append(model(features)["sentence_embedding"])
    vectors = torch.cat(parts)
    unsorted = torch.empty_like(vectors)
    unsorted[torch.tensor(order)] = vectors
    return F.normalize(unsorted.float(), dim=-1)


def train(
    base_path: Path,
    pairs: list[Pair],
    output: Path,
    config: TrainingConfig = TrainingConfig(),
    progress: Progress | None = None,
) -> TrainingReport:
    """Fine-tune the model at `base_path` on `pairs` and save it (sentence-transformers
    format) at `output`."""
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    model = SentenceTransformer(str(base_path), device="cpu", local_files_only=True)
    model.max_seq_length = config.max_tokens
    if config.freeze_word_embeddings:
        model[0].auto_model.embeddings.word_embeddings.weight.requires_grad = False
    precision = autocast_dtype(config)
    plan: list[list[Pair]] = []
    for epoch in range(config.epochs):
        plan += batches(pairs, config.batch_size, seed=config.seed + epoch)
    if config.max_steps:
        plan = plan[: config.max_steps]
    total = len(plan)
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=config.learning_rate)
    warmup = max(1, int(config.warmup_share * total))

    def rate(step: int) -> float:  # linear warm-up, then linear decay to zero
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
    model.train()
    started = time.perf_counter()
    losses: list[float] = []
    for step, batch in enumerate(plan):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bfloat16"):
            loss = batch_loss(model, batch, config.scale)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        value = float(loss.detach())
        if not math.isfinite(value):
            raise RuntimeError(f"the linker's training diverged at step {step} (loss {value})")
        losses.append(value)
        if progress:
            progress(step + 1, total)
    seconds = time.perf_counter() - started
    model.eval()
    output.mkdir(parents=True, exist_ok=True)
    model.save(str(output))
    window = max(1, min(50, len(losses) // 10))
    return TrainingReport(
        steps=total,
        pairs=sum(len(b) for b in plan),
        seconds=round(seconds, 1),
        first_loss=round(float(np.mean(losses[:window])), 4) if losses else 0.0,
        last_loss=round(float(np.mean(losses[-window:])), 4) if losses else 0.0,
    )
