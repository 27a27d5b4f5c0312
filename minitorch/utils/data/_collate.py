"""``default_collate`` (a list of samples -> one batch) and ``default_convert``, as in torch.

Tensors and NumPy arrays are stacked along a new first dim; Python floats become a float64
tensor and ints an int64 tensor (bools a bool tensor); strings stay a list; dicts, tuples and
lists are collated field by field (a batch of tuples becomes a *list* of batched fields, as torch).
"""

from __future__ import annotations

import collections.abc
import copy

import numpy as np

from ..._creation import tensor
from ...ops.shape import stack
from ...tensor import Tensor

__all__ = ["default_collate", "default_convert"]

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _stack_arrays(arrays: list[np.ndarray]) -> Tensor:
    shape = arrays[0].shape
    for i, a in enumerate(arrays):
        if a.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 and "
                f"{list(a.shape)} at entry {i}"
            )
    return Tensor._make(np.stack(arrays), False, None)


def _is_str_or_object(arr: np.ndarray) -> bool:
    return arr.dtype.kind in "SaUO"


def default_collate(batch):
    """Merge a list of samples into a batch (what ``DataLoader`` does when ``collate_fn`` is None).

    Example:
        >>> default_collate([(minitorch.zeros(2), 0), (minitorch.ones(2), 1)])
        [tensor([[0., 0.], [1., 1.]]), tensor([0, 1])]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        if any(t.requires_grad for t in batch):
            return stack(batch, 0)  # keeps the graph
        return _stack_arrays([t._data for t in batch])
    if isinstance(elem, np.ndarray):
        if _is_str_or_object(elem):
            raise TypeError(_ERR.format(elem.dtype))
        return _stack_arrays(list(batch))
    if isinstance(elem, (np.bool_, np.number)):
        return Tensor._make(np.array(batch), False, None)
    if isinstance(elem, float):
        return Tensor._make(np.array(batch, dtype=np.float64), False, None)
    if isinstance(elem, int):  # bool included: a batch of bools becomes a bool tensor, as in torch
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)  # keeps the mapping's type and extra attributes
                clone.update(fields)
                return clone
            return type(elem)(fields)
        except TypeError:
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(list(s)) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return fields
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, f in enumerate(fields):
                    clone[i] = f
                return clone
            return type(elem)(fields)
        except TypeError:
            return fields
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data):
    """Turn NumPy arrays (also inside dicts, tuples and lists) into tensors; leave the rest as is.

    This is the ``collate_fn`` when automatic batching is off (``batch_size=None``).
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _is_str_or_object(data) else Tensor._make(data, False, None)
    if isinstance(data, (np.bool_, np.number)):
        return Tensor._make(np.asarray(data), False, None)
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        fields = {key: default_convert(data[key]) for key in data}
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update(fields)
                return clone
            return type(data)(fields)
        except TypeError:
            return fields
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        fields = [default_convert(d) for d in data]
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, f in enumerate(fields):
                    clone[i] = f
                return clone
            return type(data)(fields)
        except TypeError:
            return fields
    return data
