"""The methods of ``Tensor`` by family, as mixin classes that ``Tensor`` inherits.

``tensor.py`` holds what autograd needs (data, ``requires_grad``, ``grad``, ``backward``); each
file here holds the one-line methods of one family, calling the ops of the matching file in
``minitorch/ops/``.
"""
