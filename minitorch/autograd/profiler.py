"""A CPU profiler for minitorch ops, as ``torch.autograd.profiler`` / ``torch.profiler``: every op
called inside ``profile()`` (and every ``record_function`` range, and each backward pass) is
timed; ``key_averages().table(...)`` prints torch's table (self and total CPU time per op name).

Ops are named as torch names them (``aten::addmm`` for the op whose node is ``AddmmBackward0``);
a backward pass is one ``autograd::engine::run_backward`` range. Timing works by wrapping
``Function.apply`` and ``Op.apply`` for the duration of the ``with`` block.
"""

from __future__ import annotations

import enum
import json
import re
import sys
import time
from collections import OrderedDict

from . import engine as _engine
from . import function as _function

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "profile", "record_function"]

_active: list = []  # the running profilers (innermost last)


class FunctionEvent:
    """One timed range: ``name``, start/end in microseconds, its children (ranges inside it)."""

    def __init__(self, name: str, start: float, shapes=None) -> None:
        self.name = self.key = name
        self.start_us, self.end_us = start, start
        self.children: list = []
        self.input_shapes = shapes or []
        self.count = 1

    @property
    def cpu_time_total(self) -> float:
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.children)


class FunctionEventAvg:
    """The events of one name added up (``key_averages``)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.input_shapes = None

    def add(self, e) -> FunctionEventAvg:
        self.count += e.count
        self.cpu_time_total += e.cpu_time_total
        self.self_cpu_time_total += e.self_cpu_time_total
        return self

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / max(self.count, 1)


def _fmt_us(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


class EventList(list):
    """A list of events (or of averages) that prints as torch's table."""

    def __init__(self, events=(), total_self: float | None = None) -> None:
        super().__init__(events)
        self._total_self = total_self

    def table(
        self, sort_by: str | None = None, row_limit: int = 100, max_name_column_width: int = 55, **kwargs
    ) -> str:
        rows = list(self)
        key = {
            "cpu_time_total": lambda e: e.cpu_time_total,
            "self_cpu_time_total": lambda e: e.self_cpu_time_total,
            "cpu_time": lambda e: e.cpu_time_total / max(e.count, 1),
            "count": lambda e: e.count,
        }.get(sort_by or "")
        if key is not None:
            rows.sort(key=key, reverse=True)
        if row_limit and row_limit > 0:
            rows = rows[:row_limit]
        total = self._total_self if self._total_self is not None else sum(e.self_cpu_time_total for e in self)
        total = total or 1e-9
        w = min(max([len(e.key) for e in rows] + [4]), max_name_column_width)
        cols = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
        line = "-" * w + "  " + "  ".join("-" * 12 for _ in cols) + "  "
        out = [line, f"{'Name':>{w}}  " + "  ".join(f"{c:>12}" for c in cols) + "  ", line]
        for e in rows:
            vals = [
                f"{100 * e.self_cpu_time_total / total:.2f}%",
                _fmt_us(e.self_cpu_time_total),
                f"{100 * e.cpu_time_total / total:.2f}%",
                _fmt_us(e.cpu_time_total),
                _fmt_us(e.cpu_time_total / max(e.count, 1)),
                str(e.count),
            ]
            out.append(f"{e.key[:w]:>{w}}  " + "  ".join(f"{v:>12}" for v in vals) + "  ")
        out += [line, f"Self CPU time total: {_fmt_us(total)}", ""]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.table()

    @property
    def self_cpu_time_total(self) -> float:
        return sum(e.self_cpu_time_total for e in self)


def _aten_name(cls) -> str:
    """``aten::addmm`` for the op whose node is ``AddmmBackward0``; a custom Function keeps its name."""
    node = cls._node_cls.__name__
    if not getattr(cls, "_builtin", False):
        return cls.__name__
    base = re.sub(r"Backward\d*$", "", node)
    return "aten::" + re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower()


class profile:
    """Time the ops run inside the block; ``key_averages().table(sort_by="cpu_time_total")``.

    Accepts torch's arguments (``activities``, ``record_shapes``, ``schedule``,
    ``on_trace_ready``, ...); ``step()`` advances a ``schedule``; ``export_chrome_trace(path)``
    writes a trace that chrome://tracing and Perfetto open."""

    def __init__(
        self,
        enabled: bool = True,
        *,
        activities=None,
        schedule=None,
        on_trace_ready=None,
        record_shapes: bool = False,
        profile_memory: bool = False,
        with_stack: bool = False,
        with_flops: bool = False,
        with_modules: bool = False,
        use_cuda: bool = False,
        **kwargs,
    ) -> None:
        self.enabled = enabled
        self.record_shapes = record_shapes
        self.schedule, self.on_trace_ready = schedule, on_trace_ready
        self.step_num = 0
        self._roots: list = []
        self._stack: list = []
        self._saved: list = []
        self._recording = schedule is None or schedule(0) in (
            ProfilerAction.RECORD,
            ProfilerAction.RECORD_AND_SAVE,
        )

    # --- recording ---
    def _push(self, name: str, shapes=None) -> FunctionEvent | None:
        if not self._recording:
            return None
        e = FunctionEvent(name, time.perf_counter() * 1e6, shapes)
        (self._stack[-1].children if self._stack else self._roots).append(e)
        self._stack.append(e)
        return e

    def _pop(self, e) -> None:
        if e is None:
            return
        e.end_us = time.perf_counter() * 1e6
        if self._stack and self._stack[-1] is e:
            self._stack.pop()

    def __enter__(self) -> profile:
        if not self.enabled:
            return self
        _active.append(self)
        if len(_active) == 1:
            _install()
        return self

    def __exit__(self, *exc) -> None:
        if not self.enabled:
            return
        _active.remove(self)
        if not _active:
            _uninstall()
        if self.on_trace_ready is not None and self.schedule is None:
            self.on_trace_ready(self)

    def start(self) -> None:
        self.__enter__()

    def stop(self) -> None:
        self.__exit__(None, None, None)

    def step(self) -> None:
        """Advance the ``schedule``: record only in its RECORD steps; hand a finished cycle to
        ``on_trace_ready``."""
        self.step_num += 1
        if self.schedule is None:
            return
        action = self.schedule(self.step_num)
        was = self._recording
        self._recording = action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        if was and self.schedule(self.step_num - 1) == ProfilerAction.RECORD_AND_SAVE:
            if self.on_trace_ready is not None:
                self.on_trace_ready(self)

    # --- results ---
    def events(self) -> EventList:
        out = []

        def walk(es):
            for e in es:
                out.append(e)
                walk(e.children)

        walk(self._roots)
        return EventList(out)

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0) -> EventList:
        groups: OrderedDict = OrderedDict()
        for e in self.events():
            key = (e.key, str(e.input_shapes)) if group_by_input_shape else e.key
            if key not in groups:
                groups[key] = FunctionEventAvg(e.key)
                groups[key].input_shapes = e.input_shapes
            groups[key].add(e)
        total = sum(e.self_cpu_time_total for e in self.events())
        return EventList(groups.values(), total_self=total)

    def table(self, *args, **kwargs) -> str:
        return self.key_averages().table(*args, **kwargs)

    def export_chrome_trace(self, path: str) -> None:
        trace = [
            dict(name=e.name, ph="X", ts=e.start_us, dur=e.cpu_time_total, pid=0, tid=0, cat="cpu_op")
            for e in self.events()
        ]
        with open(path, "w") as f:
            json.dump({"traceEvents": trace}, f)


class record_function:
    """A named range in the profile (a context manager or a decorator), as torch's."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self._events: list = []

    def __enter__(self) -> record_function:
        self._events = [p._push(self.name) for p in _active]
        return self

    def __exit__(self, *exc) -> None:
        for p, e in zip(_active, self._events):
            p._pop(e)

    def __call__(self, fn):
        def wrapped(*args, **kwargs):
            with record_function(self.name):
                return fn(*args, **kwargs)

        wrapped.__name__ = getattr(fn, "__name__", "wrapped")
        return wrapped


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


_originals: dict = {}


def _timed_apply(original):
    def apply(cls, *args, **kwargs):
        if not _active:
            return original.__func__(cls, *args, **kwargs)
        shapes = [list(a.shape) if isinstance(a, _function.Tensor) else [] for a in args]
        events = [p._push(_aten_name(cls), shapes if p.record_shapes else None) for p in _active]
        try:
            return original.__func__(cls, *args, **kwargs)
        finally:
            for p, e in zip(_active, events):
                p._pop(e)

    return classmethod(apply)


def _timed_backward(original):
    def run_backward(*args, **kwargs):
        events = [p._push("autograd::engine::run_backward") for p in _active]
        try:
            return original(*args, **kwargs)
        finally:
            for p, e in zip(_active, events):
                p._pop(e)

    return run_backward


def _tensor_module():
    """``minitorch.tensor`` the module (the package attribute of that name is the function)."""
    return sys.modules[__name__.rsplit(".", 2)[0] + ".tensor"]


def _install() -> None:
    _originals["Function.apply"] = _function.Function.__dict__["apply"]
    _originals["Op.apply"] = _function.Op.__dict__["apply"]
    _originals["run_backward"] = _engine.run_backward
    _function.Function.apply = _timed_apply(_originals["Function.apply"])
    _function.Op.apply = _timed_apply(_originals["Op.apply"])
    _engine.run_backward = _tensor_module().run_backward = _timed_backward(_originals["run_backward"])


def _uninstall() -> None:
    _function.Function.apply = _originals["Function.apply"]
    _function.Op.apply = _originals["Op.apply"]
    _engine.run_backward = _tensor_module().run_backward = _originals["run_backward"]
