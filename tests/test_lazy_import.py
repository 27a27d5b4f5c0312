"""``import minitorch`` leaves the optional parts for later (module ``__getattr__``); every public
name still works: attribute access, ``from minitorch import X``, ``dir()`` and ``import *``."""

from __future__ import annotations

import subprocess
import sys

LAZY = [
    "minitorch.datasets",
    "minitorch.teach",
    "minitorch.serialization",
    "minitorch.amp",
    "minitorch.utils",
    "minitorch._extra_functions",
]

SCRIPT = f"""
import sys
import minitorch
eager = [m for m in {LAZY!r} if m in sys.modules]
assert not eager, eager
from minitorch import teach, lgamma, load
import minitorch.datasets
assert minitorch.linalg.det(minitorch.eye(2)).item() == 1.0
assert callable(minitorch.save) and callable(minitorch.autocast) and callable(minitorch.det)
assert "lgamma" in dir(minitorch) and "datasets" in dir(minitorch)
assert minitorch.tensor([1.5]).lgamma().item() < 0
ns = {{}}
exec("from minitorch import *", ns)
assert "lgamma" in ns and "teach" in ns and "tensor" in ns and "nn" in ns
try:
    minitorch.no_such_name
except AttributeError:
    pass
else:
    raise AssertionError("no AttributeError")
print("ok")
"""


def test_optional_parts_load_on_first_use():
    res = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"
