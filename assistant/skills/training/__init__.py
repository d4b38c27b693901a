"""The trained skill linker: a bi-encoder fine-tuned here, on this machine's CPUs, from pairs
built without an LLM (ESCO's own texts, the Spanish labels and the development set's tune
part). `ensure_trained_model()` returns the trained model's folder, training it once per set
of inputs (issue #20, item 2)."""

from assistant.skills.training.cache import (
    LINKER_NAME,
    ensure_trained_model,
    trained_model_path,
)

__all__ = ["LINKER_NAME", "ensure_trained_model", "trained_model_path"]
