"""``torch.onnx``: importable (scripts import it at the top), but exporting is not supported."""

from __future__ import annotations

__all__ = ["export", "is_in_onnx_export"]


def export(model, args=(), f=None, *unused_args, **unused_kwargs):
    """Raise: minitorch cannot write ONNX graphs."""
    raise NotImplementedError(
        "minitorch.onnx.export: minitorch cannot export ONNX graphs; export with PyTorch "
        "(load the weights there with torch_model.load_state_dict(...)), or save the weights "
        "with minitorch.save(model.state_dict(), path)"
    )


def is_in_onnx_export() -> bool:
    return False
