"""Errors a pasted script meets, raised with torch's type and torch's message (checked against
torch on the same call)."""

from __future__ import annotations

import re

import pytest

import minitorch as mt
from tests.helpers import needs_torch, torch

pytestmark = needs_torch

CASES = [
    "lib.cat([lib.ones(2, 2), lib.ones(3, 3)], dim=1)",
    "lib.ones(3)[5]",
    "lib.ones(2, 3)[:, 7]",
    "lib.ones(2, 2)[lib.ones(3, dtype=lib.bool)]",
    "lib.ones(2).expand(3, 3)",
    "lib.tensor([[1, 2], [3]])",
    "lib.tensor([[[1], [2]], [[3], [4, 5]]])",
    "lib.ones(3).long().mean()",
    "lib.ones(3).mean(dtype=lib.int64)",
    "lib.ones(2, 2).masked_fill(lib.ones(2, 3, dtype=lib.bool), 0.0)",
    "lib.autograd.grad(lib.ones(2, requires_grad=True).sum(), lib.ones(2, requires_grad=True))",
    "lib.ones(2, 3).split(0)",
    "lib.ones(2, 3).split(-1)",
    "lib.arange(3).log_()",
    "lib.ones(2, 3).reshape(-1, -1)",
    "lib.ones(2, 3) @ lib.ones(4)",
    "lib.ones(3) @ lib.ones(4)",
    "lib.bmm(lib.ones(2, 2, 3), lib.ones(3, 3, 2))",
    "lib.matmul(lib.ones(2, 3, 4), lib.ones(5, 2))",
    "lib.ones(2, 3) @ lib.ones(4, 2)",
    "lib.linspace(0, 1, -1)",
    "lib.eye(-1)",
    "lib.full((2,), 'a')",
]


@pytest.mark.parametrize("expr", CASES)
def test_error_as_torch(expr):
    with pytest.raises(Exception) as expected:
        eval(expr, {"lib": torch})
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        eval(expr, {"lib": mt})
