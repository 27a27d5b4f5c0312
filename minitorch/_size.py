"""``Size``: the type of ``Tensor.shape``, a tuple that prints like torch's."""

from __future__ import annotations

import numpy as np


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``minitorch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"minitorch.Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))
