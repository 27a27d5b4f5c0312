"""Classify an image with a model trained by ``examples/mnist.py``.

    python examples/mnist.py --epochs 3 --save mnist.ckpt
    python examples/predict.py mnist.ckpt my_digit.png

The image can be any size, PNG or JPEG, colour or gray, dark ink on white paper or a light digit on
black. It is turned into what the model was trained on: grayscale, inverted when the background
is light (MNIST digits are white on black), then cropped to the ink, scaled into the middle of the
frame (a 20x20 box centred by mass in 28x28, as MNIST was made; the whole 8x8 frame for the digits
model) and normalised like the training images. An image already at the model's size (28x28 or 8x8)
is used as is, apart from the inversion. Prints the probability of every class.
Needs Pillow (``pip install minitorch[examples]``).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

import minitorch
import minitorch.nn.functional as F
from minitorch.datasets import transforms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist import build_model  # noqa: E402  (the model classes live in the training script)


def load_model(path: str):
    """The model saved in a ``mnist.py`` checkpoint (in eval mode) and the checkpoint itself."""
    checkpoint = minitorch.load(path)
    model = build_model(checkpoint["args"]["model"], checkpoint["image_size"])
    model.load_state_dict(checkpoint["model"])
    model.eval()
    return model, checkpoint


def load_image(path: str, size: int, invert: str = "auto", center: bool = True) -> np.ndarray:
    """The image as a uint8 array (size, size), light ink on a dark background like MNIST."""
    from PIL import Image

    img = Image.open(path)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))  # transparent -> white paper
        img = Image.alpha_composite(background, img.convert("RGBA"))
    gray = np.asarray(img.convert("L"))
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if invert == "yes" or (invert == "auto" and np.median(border) > 127):
        gray = 255 - gray
    if gray.shape == (size, size) or not center:
        return np.asarray(Image.fromarray(gray).resize((size, size), _resample(gray.shape, size)))
    return _center(gray, size)


def _resample(shape, size: int):
    from PIL import Image

    # BOX averages the pixels each output pixel covers: how MNIST and the 8x8 digits were reduced
    return Image.Resampling.BOX if max(shape) > size else Image.Resampling.BILINEAR


def _center(gray: np.ndarray, size: int) -> np.ndarray:
    """Crop to the ink, fit it in a box (20 of 28 pixels, or all 8) and centre it by mass."""
    from PIL import Image

    ink = gray > 0.25 * gray.max() if gray.max() > 0 else np.zeros_like(gray, bool)
    if not ink.any():
        return np.asarray(Image.fromarray(gray).resize((size, size), _resample(gray.shape, size)))
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    crop = gray[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    side = max(crop.shape)
    square = np.zeros((side, side), np.uint8)  # pad to a square so the aspect ratio is kept
    top, left = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
    square[top : top + crop.shape[0], left : left + crop.shape[1]] = crop
    box = 20 if size == 28 else size
    digit = np.asarray(Image.fromarray(square).resize((box, box), _resample(square.shape, box)))
    out = np.zeros((size, size), np.uint8)
    off = (size - box) // 2
    out[off : off + box, off : off + box] = digit
    if box < size:  # shift the centre of mass to the centre of the frame
        mass = out.astype(np.float64)
        total = mass.sum()
        if total > 0:
            cy = (mass.sum(1) * np.arange(size)).sum() / total
            cx = (mass.sum(0) * np.arange(size)).sum() / total
            dy, dx = int(round((size - 1) / 2 - cy)), int(round((size - 1) / 2 - cx))
            out = np.roll(out, (dy, dx), axis=(0, 1))
    return out


def predict(model, image: np.ndarray, checkpoint) -> np.ndarray:
    """Class probabilities (10,) for a uint8 image (size, size), transformed as in training."""
    mean, std = checkpoint["normalize"]
    x = transforms.Compose([transforms.ToTensor(), transforms.Normalize((mean,), (std,))])(image)
    with minitorch.no_grad():
        return F.softmax(model(x.unsqueeze(0)), dim=1)[0].numpy()


def _is_checkpoint(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"PK"


def _load_inputs(args):
    """(model, checkpoint, image), or SystemExit with one line saying what is wrong."""
    from PIL import UnidentifiedImageError

    for what, path in (("checkpoint", args.checkpoint), ("image", args.image)):
        if not os.path.isfile(path):
            raise SystemExit(f"error: {what} {path}: no such file")
    if not _is_checkpoint(args.checkpoint) and _is_checkpoint(args.image):
        raise SystemExit(
            f"error: the arguments look swapped: {args.image} is a checkpoint; usage: predict.py CHECKPOINT IMAGE"
        )
    try:
        model, checkpoint = load_model(args.checkpoint)
    except (RuntimeError, KeyError, TypeError) as e:
        raise SystemExit(
            f"error: {args.checkpoint} is not a checkpoint written by mnist.py --save ({str(e).splitlines()[0]})"
        ) from None
    try:
        image = load_image(args.image, checkpoint["image_size"], args.invert, not args.no_center)
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise SystemExit(f"error: {args.image} is not an image Pillow can read ({e})") from None
    return model, checkpoint, image


def main(argv=None) -> np.ndarray:
    p = argparse.ArgumentParser(
        description="Classify an image with a checkpoint written by examples/mnist.py."
    )
    p.add_argument("checkpoint", help="a file written by mnist.py --save")
    p.add_argument("image", help="PNG or JPEG, any size")
    p.add_argument("--invert", choices=["auto", "yes", "no"], default="auto",
                   help="make the ink light on dark (auto: when the image's border is light)")  # fmt: skip
    p.add_argument(
        "--no-center", action="store_true", help="resize the whole image instead of cropping to the ink"
    )
    args = p.parse_args(argv)

    model, checkpoint, image = _load_inputs(args)
    probs = predict(model, image, checkpoint)
    classes = checkpoint["classes"]
    best = int(probs.argmax())
    print(f"{args.image}: {classes[best]} ({100 * probs[best]:.1f}%)")
    for i, prob in enumerate(probs):
        print(f"  {i}  {classes[i]:<14} {100 * prob:6.2f}%  {'#' * int(round(40 * prob))}")
    return probs


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
