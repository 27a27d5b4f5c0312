"""``check_ops(fn, *inputs)``: which op's gradient is wrong?

``autograd.gradcheck`` says *that* the gradient of a whole function is wrong. This checks every
node of the graph on its own: each op's backward against central differences of that op's own
forward, evaluated at the inputs it really got. The first op that disagrees is the culprit,
whatever the ops after it do.

How: ``fn`` runs inside a small recording context that wraps ``Op.apply`` and
``Function.apply`` (restored when it ends), keeping a copy of every recorded op's arguments.
Then, for each op in the order the forward ran it, in float64:

* analytical: one backward of the op's output against a fixed random probe ``v``
  gives ``v . d(op)/d(input)`` for every input element at once;
* numerical: ``(v . op(x + eps e) - v . op(x - eps e)) / 2 eps`` for each element ``e``.

At a kink (ReLU at 0, ties in max) the two one-sided differences disagree; there any value
between them is accepted (a valid one-sided derivative) and counted in ``kinks``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ..autograd import grad as _autograd_grad
from ..autograd.function import AccumulateGrad, Function, Op
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from ..tensor import Tensor
from .display import Rich, esc, html_table
from .graph import walk

__all__ = ["OpCheck", "OpCheckReport", "check_ops"]


@dataclass
class _Call:
    cls: type
    args: list  # ("T", ndarray copy, requires_grad) for a Tensor, ("V", value) otherwise
    node: object


@contextmanager
def _record_ops():
    """Within the block, remember every op call that records a graph node (in call order)."""
    calls: list = []
    orig_op, orig_fn = Op.__dict__["apply"], Function.__dict__["apply"]

    def wrap(orig):
        def apply(cls, *args):
            if not (is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad for a in args)):
                return orig.__func__(cls, *args)  # records no node
            # NOTE: copy the arguments before the op runs: a later in-place op may change them
            snap = [
                ("T", np.array(a._data, copy=True), a.requires_grad) if isinstance(a, Tensor) else ("V", a)
                for a in args
            ]
            out = orig.__func__(cls, *args)
            for o in out if isinstance(out, tuple) else (out,):
                if isinstance(o, Tensor) and isinstance(o.grad_fn, cls._node_cls):
                    calls.append(_Call(cls, snap, o.grad_fn))
                    break
            return out

        return classmethod(apply)

    Op.apply, Function.apply = wrap(orig_op), wrap(orig_fn)
    try:
        yield calls
    finally:
        Op.apply, Function.apply = orig_op, orig_fn


@dataclass
class OpCheck:
    """The check of one op (one node of the graph).

    Attributes:
        index: 1 for the first op the forward ran, 2 for the next, ...
        name: the node's name (``SinBackward0``); ``op``: the op's class name (``Sin``).
        passed: backward agrees with central differences for every checked input.
        inputs: the positions (in the op's forward arguments) that were checked.
        input_index, element, analytical, numerical: where a failing op is most wrong:
            the argument, the element's index in it, and the two values of ``v . d(op)/d(input)``.
        max_error: the largest ``|analytical - numerical|`` seen.
        kinks: elements at a kink, where a one-sided derivative was accepted.
        error: the exception raised while checking, if any.
    """

    index: int
    name: str
    op: str
    passed: bool = True
    inputs: tuple = ()
    input_index: int | None = None
    element: tuple | None = None
    analytical: float | None = None
    numerical: float | None = None
    max_error: float = 0.0
    kinks: int = 0
    error: str | None = None

    def __str__(self) -> str:
        return self.message()

    def message(self) -> str:
        if self.error is not None:
            return f"{self.name} ({self.op}): could not be checked: {self.error}"
        if self.passed:
            kinks = f", {self.kinks} element(s) at a kink" if self.kinks else ""
            return f"{self.name} ({self.op}): ok (max error {self.max_error:.2g}{kinks})"
        return (
            f"{self.name} ({self.op}): the gradient for input {self.input_index} is wrong: at element "
            f"{self.element} backward gives {self.analytical:.6g}, central differences give "
            f"{self.numerical:.6g} (error {abs(self.analytical - self.numerical):.3g})"
        )


@dataclass(repr=False)
class OpCheckReport(Rich):
    """What :func:`check_ops` found: one :class:`OpCheck` per op, in forward order.

    ``show()`` prints it; in Jupyter it draws itself as a table with the wrong op in red.
    """

    _title = "check_ops: each op's backward against central differences"

    checks: list
    unchecked: list = field(default_factory=list)  # graph nodes built outside ``fn`` (not checked)
    eps: float = 1e-6

    @property
    def ok(self) -> bool:
        return all(c.passed and c.error is None for c in self.checks)

    @property
    def failures(self) -> list:
        return [c for c in self.checks if not c.passed or c.error is not None]

    @property
    def first_failure(self) -> OpCheck | None:
        """The first op (in forward order) whose backward disagrees, or None."""
        fails = self.failures
        return fails[0] if fails else None

    def __str__(self) -> str:
        n_fail = len(self.failures)
        head = (
            f"check_ops: {len(self.checks)} ops checked against central differences (eps={self.eps:g}): "
            + ("all ok" if not n_fail else f"{n_fail} wrong")
        )
        lines = [head]
        for c in self.checks:
            mark = "  " if c.passed and c.error is None else "XX"
            lines.append(f"{mark} {c.index:>3}  {c.message()}")
        if self.unchecked:
            lines.append("not checked (not recorded inside fn): " + ", ".join(self.unchecked))
        if n_fail:
            lines.append(f"first wrong op: {self.first_failure.message()}")
        return "\n".join(lines)

    __repr__ = __str__

    def text(self) -> str:
        return str(self)

    def _html_body(self) -> str:
        rows = []
        for c in self.checks:
            good = c.passed and c.error is None
            mark = "<span class='ok'>ok</span>" if good else "<span class='bad'>WRONG</span>"
            rows.append(
                [
                    esc(c.index),
                    f"<code>{esc(c.name)}</code>",
                    esc(c.op),
                    mark,
                    esc(c.message().split(": ", 1)[1]),
                ]
            )
        head = str(self).splitlines()[0]
        body = html_table(["#", "node", "op", "", "finding"], rows, caption=head, raw=True)
        if self.unchecked:
            body += f"<div class='muted'>not checked (not recorded inside fn): {esc(', '.join(self.unchecked))}</div>"
        return body


def _as_f64(arr: np.ndarray) -> np.ndarray:
    return arr.astype(np.float64) if arr.dtype.kind in "fV" else arr.copy()


def _float_outputs(out) -> list:
    outs = out if isinstance(out, tuple) else (out,)
    return [o if isinstance(o, Tensor) and o._data.dtype.kind in "fV" else None for o in outs]


def _check_call(k: int, call: _Call, eps: float, atol: float, rtol: float, max_elements: int) -> OpCheck:
    cls = call.cls
    check = OpCheck(k, call.node.name(), cls.__name__)

    def fresh(requires_grad: bool) -> list:
        args = []
        for item in call.args:
            if item[0] == "V":
                args.append(item[1])
                continue
            arr = _as_f64(item[1])
            args.append(Tensor._make(arr, requires_grad and item[2] and arr.dtype.kind in "fV", None))
        return args

    try:
        # analytical: v . d(op)/d(input) for every input at once, by one backward
        with enable_grad():
            args = fresh(True)
            outs = _float_outputs(cls.apply(*args))
        keep = [j for j, o in enumerate(outs) if o is not None and o.requires_grad]
        diff = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        check.inputs = tuple(diff)
        if not keep or not diff:
            return check
        probe_rng = np.random.default_rng(1234)  # a fixed local generator: the user's RNG is left alone
        probes = [probe_rng.standard_normal(outs[j]._data.shape) for j in keep]
        grads = _autograd_grad(
            [outs[j] for j in keep],
            [args[i] for i in diff],
            grad_outputs=[Tensor._make(v, False, None) for v in probes],
            allow_unused=True,
        )

        # numerical: central differences of v . op(x), one element at a time
        base = fresh(False)

        def f() -> float:
            res = _float_outputs(cls.apply(*base))
            return float(sum(np.vdot(res[j]._data, v) for j, v in zip(keep, probes)))

        with no_grad():
            f0 = f()
            for i, g in zip(diff, grads):
                x = base[i]._data
                ana = np.zeros(x.shape) if g is None else np.broadcast_to(g._data, x.shape).astype(np.float64)
                elems = (
                    range(x.size)
                    if x.size <= max_elements
                    else np.unique(np.linspace(0, x.size - 1, max_elements).astype(np.int64))
                )
                for e in elems:
                    orig = x.flat[e]
                    x.flat[e] = orig + eps
                    fp = f()
                    x.flat[e] = orig - eps
                    fm = f()
                    x.flat[e] = orig
                    num, a = (fp - fm) / (2 * eps), ana.flat[e]
                    err, tol = abs(a - num), atol + rtol * abs(num)
                    if err > tol:
                        fwd, bwd = (fp - f0) / eps, (f0 - fm) / eps
                        if abs(fwd - bwd) > tol and min(fwd, bwd) - tol <= a <= max(fwd, bwd) + tol:
                            check.kinks += 1  # a kink, and backward gives a one-sided derivative: fine
                            continue
                    check.max_error = max(check.max_error, float(err))
                    if err <= tol:
                        continue
                    if check.passed or err > abs(check.analytical - check.numerical):
                        check.passed = False
                        check.input_index, check.element = (
                            i,
                            tuple(int(n) for n in np.unravel_index(e, x.shape)),
                        )
                        check.analytical, check.numerical = float(a), float(num)
                if not check.passed:
                    break  # report the first wrong input
    except Exception as exc:  # a backward that raises is a finding too
        check.passed, check.error = False, f"{type(exc).__name__}: {exc}"
    return check


def check_ops(
    fn, *inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3, max_elements: int = 1000
) -> OpCheckReport:
    """Check the backward of every op that ``fn(*inputs)`` records, each on its own.

    ``fn`` runs once as it is (float32 is fine: a model's parameters need no conversion); then
    each recorded op is re-run and checked in float64, on float64 copies of the arguments it got.
    Only the ops of the graph that ``fn`` returns are checked, in the order the forward ran them.

    Args:
        fn: builds the graph; returns a tensor (or a tuple of tensors).
        inputs: its arguments.
        eps, atol, rtol: the step of the central differences and the tolerance
            ``|analytical - numerical| <= atol + rtol * |numerical|``.
        max_elements: check at most this many (evenly spaced) elements of each input.

    Returns:
        an :class:`OpCheckReport`: ``report.ok``, ``report.first_failure`` (the first op in
        forward order whose backward is wrong, with the input and element), ``print(report)``.

    Example::

        >>> report = teach.check_ops(lambda x, w: (x * w).sin().sum(), x, w)
        >>> print(report.first_failure)    # None when every op's backward is right
    """
    with enable_grad(), _record_ops() as calls:
        out = fn(*inputs)
    outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,)) if isinstance(o, Tensor)]
    roots = [o.grad_fn for o in outs if o.grad_fn is not None]
    if not roots:
        raise ValueError(
            "check_ops: fn(*inputs) recorded no graph: no input (or parameter it uses) requires grad"
        )
    in_graph: dict = {}
    for r in roots:
        for n in walk(r):
            in_graph.setdefault(n, None)
    recorded = {c.node for c in calls}
    checks = [
        _check_call(k, c, eps, atol, rtol, max_elements)
        for k, c in enumerate((c for c in calls if c.node in in_graph), 1)
    ]
    unchecked = [n.name() for n in in_graph if n not in recorded and not isinstance(n, AccumulateGrad)]
    return OpCheckReport(checks, unchecked, eps)
