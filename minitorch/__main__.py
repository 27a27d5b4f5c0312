"""``python -m minitorch SCRIPT [ARGS...]``: run an unmodified PyTorch script on minitorch.

Every ``import torch`` / ``import torch.X.Y`` in the script (and in the modules it imports)
gives the matching minitorch module. ``--compare`` runs the script once with real torch and once
with minitorch, in two subprocesses seeded alike, and prints the lines of output that differ.
"""

from __future__ import annotations

import argparse
import difflib
import os
import runpy
import subprocess
import sys
import traceback

# NOTE: the torch run seeds the same generators the minitorch run seeds, then runs the script
_TORCH_BOOT = (
    "import random, runpy, sys\n"
    "import numpy, torch\n"
    "seed = int(sys.argv[1])\n"
    "torch.manual_seed(seed); numpy.random.seed(seed); random.seed(seed)\n"
    "sys.argv = sys.argv[2:]\n"
    "sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(sys.argv[0])))\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m minitorch",
        description="Run a PyTorch script on minitorch: `import torch` inside it imports minitorch.",
    )
    p.add_argument(
        "--compare",
        action="store_true",
        help="run the script with real torch and with minitorch and print the output lines that differ",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="seed for torch/minitorch, numpy and random (default 0)"
    )
    p.add_argument("script", help="the PyTorch script to run")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    return p


def _seed(seed: int) -> None:
    import random

    import numpy

    import minitorch

    minitorch.manual_seed(seed)
    numpy.random.seed(seed)
    random.seed(seed)


def run_script(script: str, args: list[str], seed: int = 0) -> None:
    """Run ``script`` as ``__main__`` with ``sys.argv = [script, *args]`` and torch aliased."""
    from minitorch import _compat_alias, _dtype

    if not os.path.isfile(script):
        raise SystemExit(f"python -m minitorch: can't open file {script!r}: no such file")
    _compat_alias.install()
    _compat_alias.install("torchvision", "minitorch.vision")  # torchvision scripts: minitorch.vision
    _dtype.display_name = "torch"  # the script's `torch` is minitorch: print torch.Size, torch.float32
    _seed(seed)
    sys.argv = [script, *args]
    path = os.path.abspath(script)
    sys.path.insert(0, os.path.dirname(path))
    try:
        runpy.run_path(path, run_name="__main__")
    except Exception as e:  # the traceback Python prints for `python script.py`: the script's frames
        tb = e.__traceback__
        while tb is not None and (
            tb.tb_frame.f_code.co_filename == os.path.abspath(__file__)
            or tb.tb_frame.f_code.co_filename.startswith("<frozen")
        ):
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb)
        raise SystemExit(1) from None


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True)


def compare(script: str, args: list[str], seed: int = 0) -> int:
    """Run ``script`` on torch and on minitorch; print the differing output lines. 0 if equal."""
    try:
        import torch  # noqa: F401
    except ImportError:
        print("python -m minitorch --compare needs PyTorch installed (pip install torch)", file=sys.stderr)
        return 2
    ref = _run([sys.executable, "-c", _TORCH_BOOT, str(seed), script, *args])
    ours = _run([sys.executable, "-m", "minitorch", "--seed", str(seed), script, *args])
    for name, res in (("torch", ref), ("minitorch", ours)):
        if res.returncode != 0:
            print(f"--- {name} exited with code {res.returncode}; its stderr ends with:")
            print("\n".join(res.stderr.splitlines()[-15:]))
    a, b = ref.stdout.splitlines(), ours.stdout.splitlines()
    diff = list(difflib.unified_diff(a, b, "torch", "minitorch", n=0, lineterm=""))
    if diff:
        print("\n".join(diff))
    else:
        print(f"the {len(a)} lines of output are the same on torch and minitorch")
    return int(bool(diff) or ref.returncode != ours.returncode or ours.returncode != 0)


def main(argv: list[str] | None = None) -> int:
    ns = _parser().parse_args(argv)
    if ns.compare:
        return compare(ns.script, ns.args, ns.seed)
    run_script(ns.script, ns.args, ns.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
