"""``python -m minitorch SCRIPT``: torch imports resolve to minitorch (one module object under
both names), a missing submodule fails naming it, argv and ``__main__`` are the script's, and
``--compare`` prints the lines that differ from a real torch run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from helpers import needs_torch


def _run(tmp_path, body: str, *args: str, helper: str | None = None) -> subprocess.CompletedProcess:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(body))
    if helper is not None:
        (tmp_path / "helper_mod.py").write_text(textwrap.dedent(helper))
    return subprocess.run(
        [sys.executable, "-m", "minitorch", *args, str(script), "a1", "--flag"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


def test_torch_imports_give_minitorch_modules(tmp_path):
    res = _run(
        tmp_path,
        """
        import sys
        import torch
        import torch.nn.functional as F
        from torch.utils.data.dataloader import DataLoader
        import helper_mod
        import minitorch
        assert torch is minitorch and F is minitorch.nn.functional
        assert sys.modules["torch.nn"] is minitorch.nn and DataLoader is minitorch.utils.data.DataLoader
        assert helper_mod.torch is minitorch and helper_mod.nn is minitorch.nn
        assert minitorch.nn.functional.__spec__.name == "minitorch.nn.functional"
        print(__name__, sys.argv[1:], float(torch.ones(3).sum()))
        """,
        helper="import torch\nfrom torch import nn\n",
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "__main__ ['a1', '--flag'] 3.0"


def test_missing_submodule_names_it(tmp_path):
    res = _run(tmp_path, "import torch.fx\n")
    assert res.returncode != 0
    assert "ModuleNotFoundError: No module named 'torch.fx': minitorch has no 'minitorch.fx'" in res.stderr


def test_missing_script_is_a_clear_error(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "minitorch", str(tmp_path / "nope.py")], capture_output=True, text=True
    )
    assert res.returncode != 0 and "can't open file" in res.stderr


@needs_torch
def test_compare_prints_only_differing_lines(tmp_path):
    body = """
        import numpy as np
        import torch
        x = torch.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
        print(float((x @ x.T).sum()))
        print(torch.__name__)
        """
    res = _run(tmp_path, body, "--compare")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "-torch" in res.stdout and "+minitorch" in res.stdout
    assert "145.0" not in res.stdout  # the equal line is not shown
    same = _run(tmp_path, body.replace("print(torch.__name__)", ""), "--compare")
    assert same.returncode == 0 and "the 1 lines of output are the same" in same.stdout


@pytest.mark.parametrize("name", ["torch", "torch.nn.functional"])
def test_alias_finder_in_process(name):
    import importlib

    import minitorch
    from minitorch import _compat_alias

    saved = {k: v for k, v in sys.modules.items() if k == "torch" or k.startswith("torch.")}
    for k in saved:
        del sys.modules[k]
    finder = _compat_alias.install()
    try:
        mod = importlib.import_module(name)
        assert mod is importlib.import_module("minitorch" + name[len("torch") :])
        assert mod.__spec__.name.startswith("minitorch")
    finally:
        _compat_alias.uninstall(finder)
        sys.modules.update(saved)
    assert minitorch is sys.modules["minitorch"]


def test_printed_names_read_as_torchs_under_the_runner(tmp_path):
    res = _run(
        tmp_path,
        """
        import torch
        x = torch.ones(2, 3)
        print(x.shape, x.dtype, x.type(), torch.int64, f"{x.sum():.2f}")
        """,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "torch.Size([2, 3]) torch.float32 torch.FloatTensor torch.int64 6.00"


def test_a_failing_script_prints_pythons_traceback(tmp_path):
    """The traceback starts at the script (no runner or runpy frames), as for ``python script.py``."""
    res = _run(tmp_path, "import torch\n\ndef f():\n    return torch.ones(2)[5]\n\nf()\n")
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1].startswith(f'  File "{tmp_path / "script.py"}", line 6, in <module>')
    assert "runpy" not in res.stderr and "__main__.py" not in res.stderr
    assert lines[-1] == "IndexError: index 5 is out of bounds for dimension 0 with size 2"
