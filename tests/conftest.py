import os
import random

import numpy as np
import pytest

import minitorch as mt

try:
    import torch
except ImportError:  # pragma: no cover - CI installs torch
    torch = None

try:
    from hypothesis import settings

    # NOTE: property tests draw the same examples on every run (CI must not be flaky: random
    # graphs in float32 can land on a tie where torch and minitorch round to different branches).
    # HYPOTHESIS_PROFILE=explore draws fresh examples each run.
    settings.register_profile("minitorch", derandomize=True, database=None, deadline=None)
    settings.register_profile("explore", deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "minitorch"))
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with grad mode on, the default dtype float32 and seeded generators."""
    mt.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    if torch is not None:  # tests draw data from torch too: keep every run identical
        torch.manual_seed(0)
    yield
    assert mt.is_grad_enabled(), "a test left grad mode disabled"
    mt.set_default_dtype(mt.float32)
