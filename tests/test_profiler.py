"""torch.profiler / torch.autograd.profiler on minitorch: the same op names and call counts as
torch's table for a small model (the times differ), nesting of record_function ranges, schedules,
Chrome traces; and ops run unchanged once the profiler has exited."""

from __future__ import annotations

import json

import pytest
from helpers import needs_torch, torch

import minitorch as mt


def _run(lib):
    from importlib import import_module

    P = import_module(lib.__name__ + ".profiler")
    lib.manual_seed(0)
    m = lib.nn.Linear(4, 3)
    x = lib.randn(8, 4)
    with P.profile(activities=[P.ProfilerActivity.CPU], record_shapes=True) as prof:
        with P.record_function("model_inference"):
            y = m(x).relu().sum()
    return prof, y


@needs_torch
def test_forward_op_names_and_counts_match_torch():
    mprof, _ = _run(mt)
    tprof, _ = _run(torch)
    ours = {e.key: e.count for e in mprof.key_averages()}
    theirs = {e.key: e.count for e in tprof.key_averages()}
    for name in ("model_inference", "aten::addmm", "aten::relu", "aten::sum"):
        assert ours[name] == theirs[name], name
    table = mprof.key_averages().table(sort_by="cpu_time_total", row_limit=10)
    assert table.splitlines()[1].split() == [
        "Name",
        "Self",
        "CPU",
        "%",
        "Self",
        "CPU",
        "CPU",
        "total",
        "%",
        "CPU",
        "total",
        "CPU",
        "time",
        "avg",
        "#",
        "of",
        "Calls",
    ]
    assert "Self CPU time total:" in table


def test_nesting_self_time_backward_and_trace(tmp_path):
    with mt.autograd.profiler.profile() as prof:
        with mt.autograd.profiler.record_function("outer"):
            x = mt.ones(3, requires_grad=True)
            (x * 2).sum().backward()
    avg = {e.key: e for e in prof.key_averages()}
    outer = avg["outer"]
    assert outer.cpu_time_total >= avg["aten::mul"].cpu_time_total + avg["aten::sum"].cpu_time_total
    assert outer.self_cpu_time_total <= outer.cpu_time_total
    assert avg["autograd::engine::run_backward"].count == 1
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    names = {e["name"] for e in json.loads(path.read_text())["traceEvents"]}
    assert {"outer", "aten::mul", "aten::sum"} <= names
    # outside the block nothing is wrapped any more
    assert mt.autograd.function.Op.apply.__func__.__name__ == "apply"
    assert (mt.ones(2) * 3).tolist() == [3.0, 3.0]


def test_schedule_records_only_active_steps(tmp_path):
    P = mt.profiler
    seen = []
    sched = P.schedule(wait=1, warmup=1, active=2, repeat=1)
    assert [sched(i) for i in range(5)] == [
        P.ProfilerAction.NONE,
        P.ProfilerAction.WARMUP,
        P.ProfilerAction.RECORD,
        P.ProfilerAction.RECORD_AND_SAVE,
        P.ProfilerAction.NONE,
    ]
    with P.profile(schedule=sched, on_trace_ready=lambda p: seen.append(p.step_num)) as prof:
        for _ in range(5):
            mt.ones(2).exp()
            prof.step()
    assert seen == [4]
    assert sum(e.count for e in prof.key_averages() if e.key == "aten::exp") == 2
    handler = P.tensorboard_trace_handler(str(tmp_path / "tb"))
    handler(prof)
    assert len(list((tmp_path / "tb").iterdir())) == 1


def test_decorator_form():
    @mt.profiler.record_function("step")
    def step():
        return mt.ones(2).sin()

    with mt.profiler.profile() as prof:
        step()
        step()
    assert {e.key: e.count for e in prof.key_averages()}["step"] == 2
    with pytest.raises(KeyError):
        _ = {e.key: e for e in prof.key_averages()}["aten::cos"]
