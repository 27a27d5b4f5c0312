"""Named tuples returned by ``max(dim)``, ``min(dim)``, ``sort``, ``topk``, ``median(dim)``, ``kthvalue``
and ``mode``, printed as torch's."""

from collections import namedtuple

from . import _dtype


def _named(name: str):
    base = namedtuple(name, ["values", "indices"])

    def __repr__(self) -> str:
        return (
            f"{_dtype.display_name}.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"
        )

    return type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": __name__})


max = _named("max")
min = _named("min")
sort = _named("sort")
topk = _named("topk")
median = _named("median")
nanmedian = _named("nanmedian")
kthvalue = _named("kthvalue")
mode = _named("mode")
