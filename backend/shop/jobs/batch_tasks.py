"""Batch work (A7): one job per chunk of a batch, on the default queue, so several workers share a big one."""
from __future__ import annotations

from .tasks import job


@job
def run_batch_chunk(batch_id: int, chunk: int) -> dict:
    from ..services import batches
    return batches.run_chunk(batch_id, chunk)


@job
def sweep_batches() -> int:
    from ..services import batches
    return batches.sweep()
