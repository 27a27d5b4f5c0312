"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their single-step cells, as ``torch.nn``.

Same parameters (names, shapes, gate order, init), arguments and results as torch. The time
loop runs in Python on Tensor ops, so backward (through time) comes from autograd:

- the input projection ``x W_ih^T + b`` is one fused Linear over the whole sequence;
- each step adds one ``h W_hh^T`` product and applies the gates (LSTM: i, f, g, o;
  GRU: r, z, n with ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``).

NOTE: for RNN and LSTM the two bias vectors enter every step unchanged, so ``b_ih + b_hh`` is
added once in the input projection, and their grads are summed once rather than per step.
"""

from __future__ import annotations

import math
import numbers
import warnings

from ... import _creation
from ...ops import nn as N
from ...ops.shape import cat, stack
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .linear import _check_device
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_linear = N.Linear.apply


def _unbind(x: Tensor, dim: int) -> tuple:
    return x.unbind(dim)  # one backward node for all time steps (see ops.shape.Split)


def _split(x: Tensor, sizes: list) -> tuple:
    return x.split(sizes, -1)


# --- one time step of each cell; ``xt`` is the input projection (with the biases folded in
# for RNN and LSTM, with ``b_ih`` only for GRU) ---
# NOTE: ``_linear(h, w_hh, xt)`` is ``xt + h W_hh^T`` as one op (an addmm: the fused Linear takes
# any bias that broadcasts to its output, and its grad w.r.t. that bias is the output grad)
def _rnn_tanh_step(xt, h, w_hh):
    return _linear(h, w_hh, xt).tanh()


def _rnn_relu_step(xt, h, w_hh):
    return _linear(h, w_hh, xt).relu()


def _lstm_step(xt, h, c, w_hh, w_hr):
    """LSTM: i, f, g, o = gates; c' = f c + i g; h' = o tanh(c') (then projected by W_hr)."""
    hs = w_hh._data.shape[0] // 4
    i, f, g, o = _split(_linear(h, w_hh, xt), [hs] * 4)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if w_hr is not None:
        h = _linear(h, w_hr, None)
    return h, c


def _gru_step(xt, h, w_hh, b_hh):
    """GRU: r, z = sigmoid(x_rz + h_rz); n = tanh(x_n + r h_n); h' = (1 - z) n + z h."""
    hs = w_hh._data.shape[1]
    x_rz, x_n = _split(xt, [2 * hs, hs])
    h_rz, h_n = _split(_linear(h, w_hh, b_hh), [2 * hs, hs])
    r, z = _split((x_rz + h_rz).sigmoid(), [hs, hs])
    n = (x_n + r * h_n).tanh()
    return n + z * (h - n)


def _in_bias(mode: str, b_ih, b_hh):
    """The bias of the input projection: both biases for RNN and LSTM, ``b_ih`` for GRU."""
    if b_ih is None or mode == "GRU":
        return b_ih
    return b_ih + b_hh


def _dtype_name(t: Tensor) -> str:
    return repr(t.dtype)


# --- parameters shared by the layers (one set per layer and direction) and the cells ---
def _gate_shapes(gate_size: int, input_size: int, hidden_size: int, bias: bool) -> dict:
    """torch's shapes of ``weight_ih``, ``weight_hh`` (and ``bias_ih``, ``bias_hh``), in that order."""
    shapes = {"weight_ih": (gate_size, input_size), "weight_hh": (gate_size, hidden_size)}
    if bias:
        shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
    return shapes


def _add_parameters(module: Module, shapes: dict, suffix: str, dtype) -> list:
    """Register an empty Parameter ``kind + suffix`` per ``kind: shape``; returns the names."""
    names = []
    for kind, shape in shapes.items():
        name = kind + suffix
        setattr(module, name, Parameter(_creation.empty(*shape, dtype=dtype)))
        names.append(name)
    return names


def _reset_uniform(module: Module) -> None:
    """torch's init: every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
    stdv = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -stdv, stdv)


class RNNBase(Module):
    """Shared constructor, checks and time loop of ``RNN``, ``LSTM`` and ``GRU``.

    Parameters per layer ``k`` and direction (suffix ``_reverse`` for the backward one):
    ``weight_ih_l{k}`` (gates*H, in), ``weight_hh_l{k}`` (gates*H, H or proj_size),
    ``bias_ih_l{k}``, ``bias_hh_l{k}`` (gates*H) and, for an LSTM with ``proj_size``,
    ``weight_hr_l{k}`` (proj_size, H); all initialised U(-1/sqrt(H), 1/sqrt(H)) as torch.
    """

    _gates = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        _check_device(device)
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an element "
                "being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                stacklevel=2,
            )
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in self._gates:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        gate_size = self._gates[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        num_directions = 2 if bidirectional else 1
        self._flat_weights_names: list = []
        self._all_weights: list = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = _gate_shapes(gate_size, layer_input, real_hidden, bias)
                if proj_size > 0:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = _add_parameters(self, shapes, f"_l{layer}{suffix}", dtype)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_uniform(self)

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        """The parameters grouped per layer and direction: ``[[w_ih, w_hh, b_ih, b_hh], ...]``."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """No-op (torch packs the weights for cuDNN; minitorch has nothing to pack)."""

    # --- checks, with torch's messages ---
    def check_input(self, input: Tensor) -> None:
        w = self._flat_weights[0]
        if input.dtype != w.dtype:
            raise ValueError(
                f"RNN input dtype ({_dtype_name(input)}) does not match weight dtype ({_dtype_name(w)}). "
                f"Convert input: input.to({_dtype_name(w)}), or convert model: model.to({_dtype_name(input)})"
            )
        if input.dim() != 3:
            raise RuntimeError(f"input must have 3 dimensions, got {input.dim()}")
        if self.input_size != input.shape[-1]:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {input.shape[-1]}"
            )

    def _state_size(self, input: Tensor, size: int) -> tuple:
        """``(num_layers * num_directions, batch, size)``: the shape of h_0 (or c_0) for 3-D ``input``."""
        mini_batch = input.shape[0] if self.batch_first else input.shape[1]
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, size)

    def get_expected_hidden_size(self, input: Tensor) -> tuple:
        return self._state_size(input, self.proj_size if self.proj_size > 0 else self.hidden_size)

    def check_hidden_size(self, hx: Tensor, expected: tuple, msg: str = "Expected hidden size {}, got {}"):
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def check_forward_args(self, input: Tensor, hidden: Tensor) -> None:
        self.check_input(input)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input))

    def _prepare(self, input: Tensor, hx):
        """Validate ranks, add the batch dim to unbatched input and ``hx``: (input, hx, batched)."""
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}.forward(): input must be a Tensor, not {type(input).__name__}")
        if input.dim() not in (2, 3):
            tail = " tensor instead" if name == "RNN" else " instead"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{tail}")
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        if hx is None or self.mode == "LSTM":
            return input, hx, batched
        if batched and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        if not batched:
            if hx.dim() != 2:
                raise RuntimeError(
                    f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor"
                )
            hx = hx.unsqueeze(1)
        return input, hx, batched

    def _zeros(self, input: Tensor, size: int) -> Tensor:
        return _creation.zeros(*self._state_size(input, size), dtype=input.dtype)

    def _forward_hidden(self, input: Tensor, hx: Tensor | None):
        """``forward`` of RNN and GRU (one state ``h``): returns ``(output, h_n)``."""
        if isinstance(input, PackedSequence):
            out, h_n, _ = self._run_packed(input, hx, None)
            return out, h_n
        input, hx, batched = self._prepare(input, hx)
        if hx is None:
            hx = self._zeros(input, self.hidden_size)
        self.check_forward_args(input, hx)
        output, h_n, _ = self._run(input, hx, None)
        if not batched:
            return _unbatch(output, self), h_n.squeeze(1)
        return output, h_n

    # --- the time loop ---
    def _run(self, input: Tensor, h0: Tensor, c0: Tensor | None):
        """All layers and directions over 3-D ``input``; returns (output, h_n, c_n or None)."""
        tdim = 1 if self.batch_first else 0
        return self._layers(input, h0, c0, lambda x, *args: self._direction(x, tdim, *args))

    def _layers(self, x, h0, c0, direction_fn):
        """Stack the layers: ``direction_fn(x, reverse, w_ih, w_hh, b_ih, b_hh, w_hr, h, c)`` runs
        one layer in one direction and returns (outputs, last h, last c); the directions' outputs
        are concatenated, dropout applied between layers. Returns (output, h_n, c_n or None)."""
        num_directions = 2 if self.bidirectional else 1
        hs, cs = _unbind(h0, 0), (_unbind(c0, 0) if c0 is not None else None)
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs = []
            for direction in range(num_directions):
                k = layer * num_directions + direction
                names = self._all_weights[k]
                w_ih, w_hh = getattr(self, names[0]), getattr(self, names[1])
                b_ih, b_hh = (getattr(self, names[2]), getattr(self, names[3])) if self.bias else (None, None)
                w_hr = getattr(self, names[-1]) if self.proj_size > 0 else None
                out, h, c = direction_fn(
                    x, direction == 1, w_ih, w_hh, b_ih, b_hh, w_hr, hs[k], cs[k] if cs else None
                )
                outs.append(out)
                h_n.append(h)
                c_n.append(c)
            x = outs[0] if num_directions == 1 else cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, stack(h_n), (stack(c_n) if c0 is not None else None)

    def _direction(self, x, tdim, reverse, w_ih, w_hh, b_ih, b_hh, w_hr, h, c):
        """One layer in one direction: (outputs stacked along ``tdim``, last h, last c)."""
        steps = _unbind(_linear(x, w_ih, _in_bias(self.mode, b_ih, b_hh)), tdim)  # one GEMM for all steps
        if reverse:
            steps = steps[::-1]
        outs = []
        mode = self.mode
        for xt in steps:
            if mode == "LSTM":
                h, c = _lstm_step(xt, h, c, w_hh, w_hr)
            elif mode == "GRU":
                h = _gru_step(xt, h, w_hh, b_hh)
            elif mode == "RNN_TANH":
                h = _rnn_tanh_step(xt, h, w_hh)
            else:
                h = _rnn_relu_step(xt, h, w_hh)
            outs.append(h)
        if reverse:
            outs.reverse()
        return stack(outs, tdim), h, c

    # --- packed sequences ---
    def _run_packed(self, packed, h0, c0):
        """All layers and directions over a PackedSequence; returns (PackedSequence, h_n, c_n).

        At step t only the first ``batch_sizes[t]`` sequences (sorted longest first) run; a
        sequence that has ended keeps its last state, which is what ``h_n`` reports."""
        data, sizes = packed.data, [int(b) for b in packed.batch_sizes.tolist()]
        batch = sizes[0]
        num_directions = 2 if self.bidirectional else 1
        layers = self.num_layers * num_directions
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        lstm = self.mode == "LSTM"
        if h0 is None:
            h0 = _creation.zeros(layers, batch, real_hidden, dtype=data.dtype)
            if lstm:
                c0 = _creation.zeros(layers, batch, self.hidden_size, dtype=data.dtype)
        elif packed.sorted_indices is not None:  # the caller's order -> the packed (sorted) order
            h0 = h0.index_select(1, packed.sorted_indices)
            c0 = c0.index_select(1, packed.sorted_indices) if c0 is not None else None
        x, h_n, c_n = self._layers(data, h0, c0, lambda x, *args: self._direction_packed(x, sizes, *args))
        if packed.unsorted_indices is not None:
            h_n = h_n.index_select(1, packed.unsorted_indices)
            c_n = c_n.index_select(1, packed.unsorted_indices) if c_n is not None else None
        out = PackedSequence(x, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
        return out, h_n, c_n

    def _step(self, xt, h, c, w_hh, b_hh, w_hr):
        mode = self.mode
        if mode == "LSTM":
            return _lstm_step(xt, h, c, w_hh, w_hr)
        if mode == "GRU":
            return _gru_step(xt, h, w_hh, b_hh), None
        if mode == "RNN_TANH":
            return _rnn_tanh_step(xt, h, w_hh), None
        return _rnn_relu_step(xt, h, w_hh), None

    def _direction_packed(self, data, sizes, reverse, w_ih, w_hh, b_ih, b_hh, w_hr, h, c):
        """One layer, one direction over packed ``data``: (packed outputs, final h, final c)."""
        proj = _linear(data, w_ih, _in_bias(self.mode, b_ih, b_hh))  # one GEMM for all steps
        offsets = [0]
        for b in sizes:
            offsets.append(offsets[-1] + b)
        outs = [None] * len(sizes)
        if reverse:  # start at the last step of the longest; the others join as t goes down
            active = sizes[-1]
            cur_h, cur_c = h[:active], (c[:active] if c is not None else None)
            for t in range(len(sizes) - 1, -1, -1):
                b = sizes[t]
                if b > active:
                    cur_h = cat([cur_h, h[active:b]], 0)
                    cur_c = cat([cur_c, c[active:b]], 0) if c is not None else None
                    active = b
                cur_h, cur_c = self._step(proj[offsets[t] : offsets[t + 1]], cur_h, cur_c, w_hh, b_hh, w_hr)
                outs[t] = cur_h
            return cat(outs, 0), cur_h, cur_c
        active = sizes[0]
        cur_h, cur_c = h, c
        done_h, done_c = [], []  # the final states of sequences that ended, last rows first
        for t, b in enumerate(sizes):
            if b < active:
                done_h.append(cur_h[b:active])
                done_c.append(cur_c[b:active] if cur_c is not None else None)
                cur_h = cur_h[:b]
                cur_c = cur_c[:b] if cur_c is not None else None
                active = b
            cur_h, cur_c = self._step(proj[offsets[t] : offsets[t + 1]], cur_h, cur_c, w_hh, b_hh, w_hr)
            outs[t] = cur_h
        final_h = cat([cur_h, *done_h[::-1]], 0) if done_h else cur_h
        final_c = (cat([cur_c, *done_c[::-1]], 0) if done_c else cur_c) if c is not None else None
        return cat(outs, 0), final_h, final_c

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or ReLU), stacked
    ``num_layers`` deep, optionally bidirectional, as ``torch.nn.RNN``.

    Input ``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``, ``(L, H_in)`` unbatched) and an
    optional ``h_0`` of shape ``(num_layers * num_directions, N, H_out)``; returns
    ``(output, h_n)`` with ``output`` of shape ``(L, N, num_directions * H_out)``.

    Example::

        rnn = nn.RNN(10, 20, num_layers=2)
        output, h_n = rnn(minitorch.randn(5, 3, 10))   # (5, 3, 20), (2, 3, 20)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(
            mode,
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None):
        return self._forward_hidden(input, hx)


def _unbatch(output: Tensor, module: RNNBase) -> Tensor:
    return output.squeeze(0 if module.batch_first else 1)


class LSTM(RNNBase):
    """Long short-term memory, as ``torch.nn.LSTM``: per step, with gates in torch's order
    ``i, f, g, o`` (rows of ``weight_ih``/``weight_hh``)::

        i, f, o = sigmoid(.), g = tanh(.)      (each of x W_i*^T + b_i* + h W_h*^T + b_h*)
        c' = f * c + i * g,    h' = o * tanh(c')    (h' = (o * tanh(c')) W_hr^T with proj_size)

    Returns ``(output, (h_n, c_n))``; the optional initial state is ``(h_0, c_0)``.

    Example::

        lstm = nn.LSTM(10, 20, batch_first=True)
        output, (h_n, c_n) = lstm(minitorch.randn(3, 5, 10))   # (3, 5, 20), (1, 3, 20) each
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            device,
            dtype,
        )

    def get_expected_cell_size(self, input: Tensor) -> tuple:
        return self._state_size(input, self.hidden_size)

    def check_forward_args(self, input: Tensor, hidden: tuple) -> None:
        self.check_input(input)
        self.check_hidden_size(
            hidden[0], self.get_expected_hidden_size(input), "Expected hidden[0] size {}, got {}"
        )
        self.check_hidden_size(
            hidden[1], self.get_expected_cell_size(input), "Expected hidden[1] size {}, got {}"
        )

    def forward(self, input: Tensor, hx: tuple | None = None):
        if isinstance(input, PackedSequence):
            h0, c0 = (None, None) if hx is None else hx
            out, h_n, c_n = self._run_packed(input, h0, c0)
            return out, (h_n, c_n)
        input, _, batched = self._prepare(input, None)
        if hx is None:
            real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
            hx = (self._zeros(input, real_hidden), self._zeros(input, self.hidden_size))
        else:
            h0, c0 = hx
            want = 3 if batched else 2
            if h0.dim() != want or c0.dim() != want:
                kind = "batched 3-D" if batched else "unbatched 2-D"
                raise RuntimeError(
                    f"For {kind} input, hx and cx should also be {want}-D but got "
                    f"({h0.dim()}-D, {c0.dim()}-D) tensors"
                )
            hx = (h0, c0) if batched else (h0.unsqueeze(1), c0.unsqueeze(1))
        self.check_forward_args(input, hx)
        output, h_n, c_n = self._run(input, hx[0], hx[1])
        if not batched:
            return _unbatch(output, self), (h_n.squeeze(1), c_n.squeeze(1))
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit, as ``torch.nn.GRU``: per step, with gates in torch's order ``r, z, n``::

        r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
        z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
        n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
        h' = (1 - z) * n + z * h

    Returns ``(output, h_n)``.

    Example::

        gru = nn.GRU(10, 20, num_layers=2, bidirectional=True)
        output, h_n = gru(minitorch.randn(5, 3, 10))   # (5, 3, 40), (4, 3, 20)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )

    def forward(self, input: Tensor, hx: Tensor | None = None):
        return self._forward_hidden(input, hx)


# --------------------------------------------------------------------------------------------
# cells
# --------------------------------------------------------------------------------------------
class RNNCellBase(Module):
    """Shared parameters (``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``), init and
    checks of the single-step cells."""

    _name = "RNNCell"

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device=None, dtype=None
    ) -> None:
        super().__init__()
        _check_device(device)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        _add_parameters(
            self, _gate_shapes(num_chunks * hidden_size, input_size, hidden_size, bias), "", dtype
        )
        if not bias:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_uniform(self)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = self.__dict__.get("nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def _batched(self, input: Tensor, states: tuple) -> tuple:
        """Check ranks and sizes like torch; returns (2-D input, 2-D states, batched)."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{self._name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for i, s in enumerate(states):
            if s is not None and s.dim() not in (1, 2):
                what = f"hx[{i}]" if len(states) > 1 else "hidden"
                raise ValueError(f"{self._name}: Expected {what} to be 1D or 2D, got {s.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
            states = tuple(s.unsqueeze(0) if s is not None else None for s in states)
        n = input.shape[0]
        states = tuple(
            s if s is not None else _creation.zeros(n, self.hidden_size, dtype=input.dtype) for s in states
        )
        if input.shape[1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[1]} expected {self.input_size}"
            )
        for i, s in enumerate(states):
            if s.shape[0] != n:
                raise RuntimeError(f"Input batch size {n} doesn't match hidden{i} batch size {s.shape[0]}")
            if s.shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"hidden{i} has inconsistent hidden_size: got {s.shape[1]}, expected {self.hidden_size}"
                )
        return input, states, batched


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or ReLU).

    Example::

        cell = nn.RNNCell(10, 20)
        h = cell(minitorch.randn(3, 10))   # (3, 20); pass h back in for the next step
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, (h,), batched = self._batched(input, (hx,))
        xt = F.linear(input, self.weight_ih, _in_bias("RNN", self.bias_ih, self.bias_hh))
        if self.nonlinearity == "tanh":
            h = _rnn_tanh_step(xt, h, self.weight_hh)
        elif self.nonlinearity == "relu":
            h = _rnn_relu_step(xt, h, self.weight_hh)
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: ``(h', c') = cell(x, (h, c))``, gates ``i, f, g, o`` as ``nn.LSTM``.

    Example::

        cell = nn.LSTMCell(10, 20)
        h, c = cell(minitorch.randn(3, 10))
    """

    _name = "LSTMCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple:
        input, (h, c), batched = self._batched(input, (None, None) if hx is None else tuple(hx))
        xt = F.linear(input, self.weight_ih, _in_bias("LSTM", self.bias_ih, self.bias_hh))
        h, c = _lstm_step(xt, h, c, self.weight_hh, None)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: ``h' = cell(x, h)``, gates ``r, z, n`` as ``nn.GRU``.

    Example::

        cell = nn.GRUCell(10, 20)
        h = cell(minitorch.randn(3, 10))
    """

    _name = "GRUCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, (h,), batched = self._batched(input, (hx,))
        xt = F.linear(input, self.weight_ih, self.bias_ih)
        h = _gru_step(xt, h, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)
