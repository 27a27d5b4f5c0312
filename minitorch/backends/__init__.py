"""Backend flags, as ``torch.backends``: scripts set them at the top (``cudnn.benchmark = True``,
``cuda.matmul.allow_tf32 = True``) and ask ``mps.is_available()``. minitorch computes with NumPy
on the CPU, so the flags are stored (a script reads back what it set) and change nothing."""

from . import cpu, cuda, cudnn, mkldnn, mps

__all__ = ["cpu", "cuda", "cudnn", "mkldnn", "mps"]
