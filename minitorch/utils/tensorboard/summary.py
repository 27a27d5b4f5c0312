"""Summary protobufs for scalars, histograms, images and text, built as torch's
``torch.utils.tensorboard.summary`` builds them (values come in as tensors, arrays or numbers)."""

from __future__ import annotations

import io

import numpy as np

from ...tensor import Tensor


def protos():
    """tensorboard's protobuf modules, or an ImportError saying how to install them."""
    try:
        from tensorboard.compat.proto import event_pb2, graph_pb2, summary_pb2, tensor_pb2
    except ImportError as e:
        raise ImportError(
            "minitorch.utils.tensorboard needs the tensorboard package: pip install tensorboard "
            "(or pip install 'minitorch[tensorboard]')"
        ) from e
    return event_pb2, graph_pb2, summary_pb2, tensor_pb2


def to_numpy(x) -> np.ndarray:
    if isinstance(x, Tensor):
        return x.detach()._data
    return np.asarray(x)


def scalar(tag: str, value):
    _, _, summary_pb2, _ = protos()
    v = to_numpy(value)
    if v.size != 1:
        raise ValueError(f"add_scalar: scalar should be 0D, got a value of shape {v.shape}")
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=float(v.reshape(())))])


def _tensorflow_bins() -> np.ndarray:
    """torch's default ``bins='tensorflow'``: exponential buckets growing by 10% from 1e-12 to 1e20."""
    v, pos = 1e-12, []
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return np.array([-p for p in reversed(pos)] + [0.0] + pos)


def histogram(tag: str, values, bins="tensorflow", max_bins: int | None = None):
    _, _, summary_pb2, _ = protos()
    v = to_numpy(values).astype(np.float64).reshape(-1)
    if v.size == 0:
        raise ValueError("add_histogram: the values are empty")
    counts, limits = np.histogram(v, bins=_tensorflow_bins() if bins == "tensorflow" else bins)
    if max_bins is not None and len(counts) > max_bins:  # merge neighbouring buckets, as torch
        sub = len(counts) // max_bins
        counts = np.pad(counts, (0, -len(counts) % sub)).reshape(-1, sub).sum(-1)
        limits = np.concatenate([limits[:-1:sub], limits[-1:]])
    used = np.cumsum(counts > 0)  # keep the buckets from just before the first used to the last used
    start, end = (int(i) for i in np.searchsorted(used, [0, used[-1] - 1], side="right"))
    end += 1
    counts = counts[start - 1 : end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start : end + 1]
    proto = summary_pb2.HistogramProto(
        min=float(v.min()),
        max=float(v.max()),
        num=int(v.size),
        sum=float(v.sum()),
        sum_squares=float(np.dot(v, v)),
        bucket_limit=limits.tolist(),
        bucket=counts.astype(np.float64).tolist(),
    )
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, histo=proto)])


def _hwc_uint8(img, dataformats: str) -> np.ndarray:
    arr = to_numpy(img)
    fmt = dataformats.upper()
    if sorted(fmt) not in (sorted("CHW"), sorted("HW"), sorted("HWC")) or arr.ndim != len(fmt):
        raise ValueError(
            f"add_image: an image of shape {arr.shape} does not match dataformats={dataformats!r}"
        )
    if fmt == "HW":
        arr, fmt = arr[None], "CHW"
    arr = arr.transpose([fmt.index(c) for c in "HWC"])
    if arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    if arr.shape[2] not in (3, 4):
        raise ValueError(f"add_image: expected 1, 3 or 4 channels, got {arr.shape[2]}")
    if arr.dtype != np.uint8:  # floats are in [0, 1], as torch expects
        arr = (np.clip(arr.astype(np.float64), 0, 1) * 255).round().astype(np.uint8)
    return arr


def image(tag: str, img, dataformats: str = "CHW"):
    _, _, summary_pb2, _ = protos()
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("add_image needs Pillow: pip install pillow") from e
    hwc = _hwc_uint8(img, dataformats)
    out = io.BytesIO()
    Image.fromarray(hwc).save(out, format="PNG")
    proto = summary_pb2.Summary.Image(
        height=hwc.shape[0], width=hwc.shape[1], colorspace=hwc.shape[2], encoded_image_string=out.getvalue()
    )
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, image=proto)])


def text(tag: str, text_string: str):
    _, _, summary_pb2, tensor_pb2 = protos()
    from tensorboard.compat.proto import tensor_shape_pb2

    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text", content=b"")
    )
    tensor = tensor_pb2.TensorProto(
        dtype="DT_STRING",
        string_val=[text_string.encode("utf-8")],
        tensor_shape=tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=1)]),
    )
    return summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag + "/text_summary", metadata=metadata, tensor=tensor)]
    )


def graph(model, inputs):
    """A GraphDef of the autograd graph ``model(*inputs)`` records: one node per backward node and
    per parameter, edges from inputs to the nodes that use them."""
    _, graph_pb2, _, _ = protos()
    from tensorboard.compat.proto import node_def_pb2

    names = {id(p): f"{type(model).__name__}/{n}" for n, p in model.named_parameters()}
    out = model(*inputs)
    roots = [t.grad_fn for t in (out if isinstance(out, (tuple, list)) else (out,)) if isinstance(t, Tensor)]
    nodes, seen, stack = [], {}, [f for f in roots if f is not None]

    def node_name(fn) -> str:
        if fn not in seen:
            variable = getattr(fn, "variable", None)
            label = names.get(id(variable)) if variable is not None else None
            seen[fn] = label or f"{type(fn).__name__}_{len(seen)}"
        return seen[fn]

    done = set()
    while stack:
        fn = stack.pop()
        if fn in done:
            continue
        done.add(fn)
        parents = [f for f, _ in getattr(fn, "next_functions", ()) if f is not None]
        nodes.append(
            node_def_pb2.NodeDef(
                name=node_name(fn), op=type(fn).__name__, input=[node_name(p) for p in parents]
            )
        )
        stack.extend(parents)
    return graph_pb2.GraphDef(node=nodes[::-1])
