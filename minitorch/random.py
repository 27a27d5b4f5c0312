"""``torch.random``: the global generator's seeding and state functions, by torch's module path."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ._random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)

__all__ = [
    "Generator",
    "default_generator",
    "fork_rng",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]


@contextlib.contextmanager
def fork_rng(
    devices=None, enabled: bool = True, _caller="fork_rng", _devices_kw="devices", device_type=None
) -> Iterator:
    """Run the block, then put the global generator back in the state it had (minitorch has only
    the CPU generator, so ``devices`` and ``device_type`` change nothing)."""
    if not enabled or device_type == "meta":
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
