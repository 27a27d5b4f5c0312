"""Top-level utilities scripts call in their first lines, against torch: dtype questions (finfo,
iinfo, promote_types, result_type, can_cast, typename), print options, determinism/precision/thread
switches, ``testing.assert_close``, ``version`` and ``hub.load_state_dict_from_url``."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch as mt
from minitorch import _dtype

pytestmark = needs_torch

DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "uint8", "int16", "int32", "int64", "bool"]


def _n(d) -> str:
    return str(d).split(".")[-1]


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_finfo_as_torch(name):
    pytest.importorskip("ml_dtypes")
    m, t = mt.finfo(getattr(mt, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(m, attr) == getattr(t, attr), attr
    assert m.dtype == t.dtype and repr(m) == repr(t)
    assert repr(mt.finfo()) == repr(torch.finfo())
    with pytest.raises(TypeError, match="requires a floating point input type"):
        mt.finfo(mt.int32)


@pytest.mark.parametrize("name", ["int8", "uint8", "int16", "int32", "int64"])
def test_iinfo_as_torch(name):
    m, t = mt.iinfo(getattr(mt, name)), torch.iinfo(getattr(torch, name))
    assert (m.bits, m.min, m.max, m.dtype, repr(m)) == (t.bits, t.min, t.max, t.dtype, repr(t))
    with pytest.raises(TypeError):
        mt.iinfo(mt.float32)


def test_promote_types_and_can_cast_as_torch():
    pytest.importorskip("ml_dtypes")
    for a in DTYPES:
        for b in DTYPES:
            ma, mb, ta, tb = getattr(mt, a), getattr(mt, b), getattr(torch, a), getattr(torch, b)
            assert mt.can_cast(ma, mb) == torch.can_cast(ta, tb), (a, b)
            if {a, b} & {"bfloat16"} and {a, b} & {"float16"}:
                continue  # NOTE: torch gives float32; NumPy's promotion of the two is asked below
            assert _n(mt.promote_types(ma, mb)) == _n(torch.promote_types(ta, tb)), (a, b)


def test_result_type_and_typename_as_torch():
    for x, y in [
        ((1, "int32"), 2.5),
        ((1.0, "float16"), 2),
        ((1, "int64"), True),
        ((1, "uint8"), (1, "int8")),
    ]:
        args = []
        for lib in (mt, torch):
            args.append(
                [lib.ones(2, dtype=getattr(lib, v[1])) if isinstance(v, tuple) else v for v in (x, y)]
            )
        assert _n(mt.result_type(*args[0])) == _n(torch.result_type(*args[1]))
    assert _n(mt.result_type(2, 3.5)) == _n(torch.result_type(2, 3.5))
    assert mt.typename(3) == torch.typename(3) == "int"
    assert mt.typename(mt.ones(2, dtype=mt.int64)) == "minitorch.LongTensor"
    assert mt.is_floating_point(mt.ones(1)) and not mt.is_floating_point(mt.ones(1, dtype=mt.int32))
    assert not mt.is_complex(mt.ones(1))


@pytest.mark.parametrize(
    "opts",
    [
        dict(precision=2),
        dict(threshold=5),
        dict(edgeitems=1, threshold=5),
        dict(linewidth=40),
        dict(sci_mode=True),
        dict(profile="short"),
        dict(profile="full"),
        dict(precision=6, sci_mode=False),
    ],
)
def test_set_printoptions_prints_as_torch(opts):
    x = np.random.default_rng(0).standard_normal((30, 40)).astype(np.float32) * 3
    old = _dtype.display_name
    try:
        _dtype.display_name = "torch"
        for lib in (mt, torch):
            lib.set_printoptions(profile="default")
            lib.set_printoptions(**opts)
        for arr in (x, x[:3, :4], x[0, :7] * 1e5, np.arange(5.0)):
            assert repr(mt.tensor(arr)) == repr(torch.tensor(arr))
    finally:
        _dtype.display_name = old
        for lib in (mt, torch):
            lib.set_printoptions(profile="default")


def test_global_switches_answer_back():
    mt.use_deterministic_algorithms(True, warn_only=True)
    assert mt.are_deterministic_algorithms_enabled() and mt.is_deterministic_algorithms_warn_only_enabled()
    mt.use_deterministic_algorithms(False)
    assert not mt.are_deterministic_algorithms_enabled()
    mt.set_float32_matmul_precision("high")
    assert mt.get_float32_matmul_precision() == "high"
    mt.set_float32_matmul_precision("highest")
    with pytest.raises(RuntimeError):
        mt.set_float32_matmul_precision("fast")
    assert mt.get_num_threads() >= 1 and mt.get_num_interop_threads() >= 1
    with pytest.raises(RuntimeError):
        mt.set_num_threads(0)
    assert mt.version.cuda is None and mt.version.__version__ == mt.__version__


CLOSE_CASES = [
    ("tensor", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0 + 1e-7]),
    ("tensor", [1.0, 2.0, 3.0], [1.0, 2.5, 3.0]),
    ("tensor", [1.0, float("nan")], [1.0, float("nan")]),
    ("scalar", 1.0, 1.0 + 1e-9),
    ("scalar", 1.0, 1.1),
]


@pytest.mark.parametrize("kind,a,b", CLOSE_CASES)
def test_assert_close_agrees_with_torch(kind, a, b):
    outcomes = []
    for lib in (mt, torch):
        x, y = (lib.tensor(a), lib.tensor(b)) if kind == "tensor" else (a, b)
        try:
            lib.testing.assert_close(x, y)
            outcomes.append(None)
        except AssertionError as e:
            outcomes.append(str(e).splitlines()[0])
    assert outcomes[0] == outcomes[1]


def test_assert_close_messages_shapes_dtypes_and_containers():
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 3"):
        mt.testing.assert_close(mt.tensor([1.0, 2.0, 3.0]), mt.tensor([1.0, 2.5, 3.0]))
    with pytest.raises(AssertionError, match="attribute 'shape'"):
        mt.testing.assert_close(mt.ones(2), mt.ones(3))
    with pytest.raises(AssertionError, match="attribute 'dtype'"):
        mt.testing.assert_close(mt.ones(2), mt.ones(2, dtype=mt.float64))
    mt.testing.assert_close(mt.ones(2), mt.ones(2, dtype=mt.float64), check_dtype=False)
    mt.testing.assert_close({"a": [mt.ones(2), 1.0]}, {"a": [mt.ones(2), 1.0]})
    mt.testing.assert_close(mt.tensor([1.0]), mt.tensor([1.1]), rtol=0.2, atol=0.0)
    with pytest.raises(ValueError):
        mt.testing.assert_close(mt.ones(1), mt.ones(1), rtol=0.1)
    t = mt.testing.make_tensor(3, 4, dtype=mt.float32, low=-1, high=1)
    assert t.shape == (3, 4) and float(t.abs().max()) <= 1


@pytest.fixture
def weights_server():
    """An HTTP server on 127.0.0.1 serving one torch-saved state_dict at /w-<sha256 prefix>.pth."""
    buf = io.BytesIO()
    torch.save({"w": torch.arange(6.0).reshape(2, 3), "b": torch.ones(2)}, buf)
    body = buf.getvalue()
    name = f"w-{hashlib.sha256(body).hexdigest()[:8]}.pth"
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            data = body if self.path.startswith("/w-") else body[:10]
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", name, hits
    srv.shutdown()


def test_hub_load_state_dict_from_url_downloads_once_and_checks_the_hash(weights_server, tmp_path):
    base, name, hits = weights_server
    sd = mt.hub.load_state_dict_from_url(
        f"{base}/{name}", model_dir=str(tmp_path), check_hash=True, progress=False
    )
    np.testing.assert_array_equal(sd["w"].numpy(), np.arange(6.0).reshape(2, 3))
    mt.hub.load_state_dict_from_url(f"{base}/{name}", model_dir=str(tmp_path), progress=False)
    assert hits == [f"/{name}"]  # the second call reads the cache
    with pytest.raises(RuntimeError, match="invalid hash value"):
        mt.hub.load_state_dict_from_url(
            f"{base}/bad-0123abcd.pth", model_dir=str(tmp_path), check_hash=True, progress=False
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no partial file left behind
    with pytest.raises(NotImplementedError, match="load_state_dict_from_url"):
        mt.hub.load("pytorch/vision", "resnet18")
    mt.hub.set_dir(str(tmp_path))
    assert mt.hub.get_dir() == str(tmp_path)
