"""``minitorch.nn.functional``: stateless versions of the layers and losses, as ``torch.nn.functional``.

Example::

    import minitorch.nn.functional as F
    loss = F.cross_entropy(model(x), y)
"""

from __future__ import annotations

from ._arguments import _type_str
from .linear import linear
from .activation import (
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    relu,
    relu6,
    relu_,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    tanh,
)
from .dropout import dropout, dropout2d
from .sparse import embedding, one_hot
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from .conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .padding import pad
from .normalization import batch_norm, group_norm, instance_norm, layer_norm, normalize
from .attention import multi_head_attention_forward, scaled_dot_product_attention

__all__ = [
    "linear",
    "relu",
    "relu_",
    "relu6",
    "leaky_relu",
    "elu",
    "gelu",
    "silu",
    "sigmoid",
    "tanh",
    "softplus",
    "logsigmoid",
    "hardtanh",
    "softmax",
    "log_softmax",
    "softmin",
    "dropout",
    "dropout2d",
    "one_hot",
    "embedding",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "normalize",
    "conv1d",
    "conv2d",
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "pad",
    "batch_norm",
    "layer_norm",
    "group_norm",
    "instance_norm",
    "conv_transpose1d",
    "conv_transpose2d",
    "scaled_dot_product_attention",
    "multi_head_attention_forward",
]

from .activation import (  # noqa: E402
    celu,
    celu_,
    elu_,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh_,
    leaky_relu_,
    mish,
    prelu,
    rrelu,
    rrelu_,
    selu,
    selu_,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
    threshold_,
)

__all__ += [
    "celu",
    "celu_",
    "elu_",
    "glu",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh_",
    "leaky_relu_",
    "mish",
    "prelu",
    "rrelu",
    "rrelu_",
    "selu",
    "selu_",
    "softshrink",
    "softsign",
    "tanhshrink",
    "threshold",
    "threshold_",
]

from .distance import cosine_similarity, pairwise_distance, pdist  # noqa: E402
from .loss import (  # noqa: E402
    cosine_embedding_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)

__all__ += [
    "cosine_similarity",
    "pairwise_distance",
    "pdist",
    "cosine_embedding_loss",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "poisson_nll_loss",
    "soft_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]

from .vision import (  # noqa: E402
    affine_grid,
    fold,
    grid_sample,
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    unfold,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

__all__ += [
    "affine_grid",
    "fold",
    "grid_sample",
    "interpolate",
    "pixel_shuffle",
    "pixel_unshuffle",
    "unfold",
    "upsample",
    "upsample_bilinear",
    "upsample_nearest",
]

from .linear import bilinear  # noqa: E402
from .sparse import embedding_bag  # noqa: E402

__all__ += ["bilinear", "embedding_bag"]

from .pooling_more import (  # noqa: E402
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    local_response_norm,
    lp_pool1d,
    lp_pool2d,
    max_pool1d_with_indices,
    max_pool2d_with_indices,
    max_unpool1d,
    max_unpool2d,
)

__all__ += [
    "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices",
    "local_response_norm",
    "lp_pool1d",
    "lp_pool2d",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_unpool1d",
    "max_unpool2d",
]

from .normalization import rms_norm  # noqa: E402
from .vision import channel_shuffle, native_channel_shuffle  # noqa: E402

__all__ += ["rms_norm", "channel_shuffle", "native_channel_shuffle"]

from .loss import ctc_loss  # noqa: E402

__all__ += ["ctc_loss"]

from .pooling_more import fractional_max_pool2d, fractional_max_pool2d_with_indices  # noqa: E402

__all__ += ["fractional_max_pool2d", "fractional_max_pool2d_with_indices"]

from .dropout import alpha_dropout, dropout1d, dropout3d, feature_alpha_dropout  # noqa: E402

__all__ += ["alpha_dropout", "dropout1d", "dropout3d", "feature_alpha_dropout"]

from .activation import gumbel_softmax  # noqa: E402

__all__ += ["gumbel_softmax"]

from .volumetric import avg_pool3d, conv3d, max_pool3d  # noqa: E402

__all__ += ["avg_pool3d", "conv3d", "max_pool3d"]

from .volumetric import (  # noqa: E402
    adaptive_avg_pool3d,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    conv_transpose3d,
)

__all__ += [
    "adaptive_avg_pool3d",
    "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices",
    "conv_transpose3d",
]
