"""``Size``: the type of ``Tensor.shape``, a tuple that prints like torch's."""

from __future__ import annotations

import numpy as np

from . import _dtype


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``minitorch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"{_dtype.display_name}.Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))
