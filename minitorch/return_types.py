"""Named tuples returned by ``max(dim)``, ``min(dim)``, ``sort`` and ``topk``, as torch's."""

from collections import namedtuple

minmax = namedtuple("minmax", ["values", "indices"])
sort = namedtuple("sort", ["values", "indices"])
topk = namedtuple("topk", ["values", "indices"])
