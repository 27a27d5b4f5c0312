"""Run every script in scripts/ in this one process and write what each printed as JSON.

``python tests/compat/driver.py OUT.json`` runs them on real torch; ``python -m minitorch
tests/compat/driver.py OUT.json`` runs them on minitorch (``import torch`` gives minitorch). Each
script runs with runpy in a fresh namespace, seeded alike (torch, numpy, random); an exception is
recorded for that script and the next one runs.
"""

import contextlib
import io
import json
import os
import random
import runpy
import sys
import traceback

import numpy as np
import torch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts")


def main(out_path: str, names: list[str]) -> None:
    if hasattr(torch, "set_num_threads"):
        torch.set_num_threads(1)  # tiny tensors: threads only add overhead on a shared machine
    results = {}
    for name in names or sorted(f[:-3] for f in os.listdir(HERE) if f.endswith(".py")):
        torch.manual_seed(0)
        np.random.seed(0)
        random.seed(0)
        buf = io.StringIO()
        error = None
        try:
            with contextlib.redirect_stdout(buf):
                runpy.run_path(os.path.join(HERE, name + ".py"), run_name="__main__")
        except BaseException as e:  # noqa: BLE001 - every failure is reported per script
            error = f"{type(e).__name__}: {e}\n" + "".join(traceback.format_exc().splitlines(True)[-6:])
        results[name] = {"out": buf.getvalue(), "error": error}
    with open(out_path, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
