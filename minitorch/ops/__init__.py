"""The differentiable primitives, by family. Each is a small :class:`~minitorch.autograd.function.Op`
with ``forward`` (NumPy) and ``backward`` (Tensor ops) side by side."""
