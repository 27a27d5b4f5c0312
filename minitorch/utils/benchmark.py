"""``Timer`` and ``Measurement``, as ``torch.utils.benchmark``: time a statement with ``timeit``
(``timeit(number)``, ``blocked_autorange``, ``adaptive_autorange``) and print torch's summary."""

from __future__ import annotations

import statistics
import timeit as _timeit

__all__ = ["Measurement", "Timer"]


def _fmt(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.2f} {unit}"
    return f"{seconds / 1e-9:.2f} ns"


class Measurement:
    """Times per run (seconds) of blocks of ``number_per_run`` runs, with their statistics."""

    def __init__(self, number_per_run: int, raw_times: list, task_spec: dict) -> None:
        self.number_per_run = number_per_run
        self.raw_times = list(raw_times)
        self.times = [t / number_per_run for t in raw_times]
        self._spec = task_spec
        self.label, self.sub_label = task_spec["label"], task_spec["sub_label"]
        self.description, self.num_threads = task_spec["description"], task_spec["num_threads"]
        self.stmt = task_spec["stmt"]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def iqr(self) -> float:
        if len(self.times) < 2:
            return 0.0
        q = statistics.quantiles(self.times, n=4, method="inclusive")
        return q[2] - q[0]

    @property
    def title(self) -> str:
        if self.label is None:
            return self.stmt
        return self.label + (f": {self.sub_label}" if self.sub_label else "")

    def __repr__(self) -> str:
        lines = [f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>", self.title]
        if self.description:
            lines.append(self.description)
        if self._spec["setup"] != "pass":
            lines.append(f"setup: {self._spec['setup']}")
        n = len(self.times)
        stat = (
            f"  Median: {_fmt(self.median)}\n  IQR:    {_fmt(self.iqr)}"
            if n > 1
            else f"  {_fmt(self.median)}"
        )
        lines.append(stat)
        plural = "s" if n != 1 else ""
        threads = "thread" + ("s" if self.num_threads != 1 else "")
        lines.append(
            f"  {n} measurement{plural}, {self.number_per_run} runs per measurement, {self.num_threads} {threads}"
            if n > 1
            else f"  1 measurement, {self.number_per_run} runs , {self.num_threads} {threads}"
        )
        return "\n".join(lines)


class Timer:
    """Time ``stmt`` after ``setup`` in the namespace ``globals``, as torch's Timer."""

    def __init__(
        self,
        stmt: str = "pass",
        setup: str = "pass",
        global_setup: str = "",
        timer=_timeit.default_timer,
        globals: dict | None = None,  # noqa: A002 - torch's parameter name
        label: str | None = None,
        sub_label: str | None = None,
        description: str | None = None,
        env: str | None = None,
        num_threads: int = 1,
        language: str = "python",
    ) -> None:
        if language not in ("python", "py"):
            raise ValueError(f"minitorch's Timer times Python statements only, not {language!r}")
        self._timer = _timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=dict(globals or {}))
        self._spec = dict(
            stmt=stmt,
            setup=setup,
            label=label,
            sub_label=sub_label,
            description=description,
            num_threads=num_threads,
        )

    def timeit(self, number: int = 1000000) -> Measurement:
        self._timer.timeit(number=max(int(number // 100), 2))  # warm up
        return Measurement(number, [self._timer.timeit(number=number)], self._spec)

    def repeat(self, repeat: int = -1, number: int = -1):
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback=None):
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _block_size(self, min_block: float = 0.01) -> int:
        number = 1
        while True:
            if self._timer.timeit(number=number) >= min_block:
                return number
            number *= 10

    def blocked_autorange(self, callback=None, min_run_time: float = 0.2) -> Measurement:
        """Blocks of runs (each about 10 ms) until ``min_run_time`` seconds have been measured."""
        number = self._block_size()
        times, total = [], 0.0
        while total < min_run_time or not times:
            t = self._timer.timeit(number=number)
            if callback is not None:
                callback(number, t)
            times.append(t)
            total += t
        return Measurement(number, times, self._spec)

    def adaptive_autorange(
        self, threshold: float = 0.1, *, min_run_time: float = 0.01, max_run_time: float = 10.0, callback=None
    ) -> Measurement:
        """Blocks until the IQR is within ``threshold`` of the median (or ``max_run_time``)."""
        number = self._block_size(min_block=min_run_time / 10)
        times, total = [], 0.0
        while total < max_run_time:
            t = self._timer.timeit(number=number)
            if callback is not None:
                callback(number, t)
            times.append(t)
            total += t
            if len(times) > 3 and total >= min_run_time:
                m = Measurement(number, times, self._spec)
                if m.iqr / m.median < threshold:
                    break
        return Measurement(number, times, self._spec)
