import numpy as np
import pytest

import minitorch as mt


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with grad mode on, the default dtype float32 and a seeded generator."""
    mt.manual_seed(0)
    np.random.seed(0)
    yield
    assert mt.is_grad_enabled(), "a test left grad mode disabled"
    mt.set_default_dtype(mt.float32)
