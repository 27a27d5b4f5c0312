"""examples/mnist.py and examples/predict.py end to end on tiny subsets: the CLI, checkpoints,
--resume reproducing an uninterrupted run exactly, the plot, the fallback to the embedded digits,
and predict.py on generated PNGs (both polarities). Tests on the real MNIST files read the
directory from $MINITORCH_MNIST_DIR and skip when it is unset."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

import minitorch as mt
from minitorch.datasets import MNIST, Digits

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
MNIST_DIR = os.environ.get("MINITORCH_MNIST_DIR")
needs_mnist = pytest.mark.skipif(
    not MNIST_DIR, reason="set MINITORCH_MNIST_DIR to a directory with the MNIST t10k-* files (.ci/run does)"
)


def _import(name):
    if EXAMPLES not in sys.path:
        sys.path.insert(0, EXAMPLES)  # predict.py imports the model classes from mnist.py
    spec = importlib.util.spec_from_file_location(f"_example_{name}", os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mnist_example = _import("mnist")
predict_example = _import("predict")


def _dead_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No MNIST anywhere the example looks, and every mirror dead."""
    monkeypatch.setenv("MINITORCH_MNIST_MIRRORS", _dead_url())
    monkeypatch.setenv("MINITORCH_FASHIONMNIST_MIRRORS", _dead_url())
    monkeypatch.delenv("MINITORCH_MNIST_DIR", raising=False)
    monkeypatch.setattr(mnist_example, "CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def _weights(path):
    return {k: v.numpy().copy() for k, v in mt.load(path)["model"].items()}


TINY = ["--dataset", "digits", "--limit", "160", "--batch-size", "16", "--no-progress"]


@pytest.mark.parametrize("model", ["mlp", "cnn"])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_resume_matches_uninterrupted_run(tmp_path, model, optimizer, capsys):
    args = TINY + ["--model", model, "--optimizer", optimizer, "--gamma", "0.8"]  # the scheduler resumes too
    full = str(tmp_path / "full.ckpt")
    history = mnist_example.main(args + ["--epochs", "3", "--save", full])
    assert len(history["test_acc"]) == 3
    part = str(tmp_path / "part.ckpt")
    mnist_example.main(args + ["--epochs", "1", "--save", part])
    assert mt.load(part)["epoch"] == 1
    resumed = str(tmp_path / "resumed.ckpt")
    mt.manual_seed(12345)  # the global state before resuming must not matter
    history2 = mnist_example.main(["--resume", part, "--epochs", "3", "--save", resumed, "--no-progress"])
    out = capsys.readouterr().out
    assert "Resumed from" in out and "Epoch 2/3" in out and "Epoch 1/3" not in out.split("Resumed from")[1]
    ckpt = mt.load(resumed)
    assert ckpt["epoch"] == 3 and ckpt["args"]["model"] == model
    a, b = _weights(full), _weights(resumed)
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    for key in ("train_loss", "test_loss", "test_acc"):
        assert history2[key] == history[key]  # the history continues where it stopped


def test_plot_and_summary(tmp_path, capsys):
    png = tmp_path / "curves.png"
    mnist_example.main(TINY + ["--epochs", "2", "--plot", str(png)])
    out = capsys.readouterr().out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert "Epoch 2/2" in out and "Done: test accuracy" in out and f"Curves: {png}" in out


def test_no_arguments_offline_falls_back_to_digits(offline, monkeypatch, capsys):
    monkeypatch.setattr(mnist_example, "REPO", str(offline / "repo"))  # no ../shared/data/mnist either
    history = mnist_example.main([])
    out = capsys.readouterr().out.splitlines()
    assert "not found" in out[0] and "embedded 8x8 digits" in out[0]
    assert out[1].startswith("digits: 1,438 training / 359 test images")
    assert all("Epoch" in line for line in out[2:-1]) and out[-1].startswith("Done: test accuracy")
    assert history["test_acc"][-1] >= 0.95  # the defaults reach the target on the digits


def test_data_dir_without_mnist_offline(offline, capsys):
    history = mnist_example.main(
        ["--data-dir", str(offline / "empty"), "--epochs", "1", "--limit", "64", "--no-progress"]
    )
    out = capsys.readouterr().out
    assert "embedded 8x8 digits" in out.splitlines()[0] and len(history["test_acc"]) == 1


def test_explicit_dataset_offline_is_an_error(offline):
    with pytest.raises(SystemExit) as info:
        mnist_example.main(["--dataset", "mnist", "--data-dir", str(offline / "none"), "--no-progress"])
    msg = str(info.value)
    assert "train-images-idx3-ubyte.gz" in msg and str(offline / "none") in msg


def test_script_help_and_run(tmp_path):
    env = dict(os.environ, MINITORCH_MNIST_MIRRORS=_dead_url())
    script = os.path.join(EXAMPLES, "mnist.py")
    out = subprocess.run(
        [sys.executable, script, "--help"], capture_output=True, text=True, timeout=60, env=env
    )
    assert out.returncode == 0
    for flag in ("--model", "--dataset", "--data-dir", "--epochs", "--batch-size", "--lr", "--optimizer", "--seed",
                 "--save", "--resume", "--plot", "--limit"):  # fmt: skip
        assert flag in out.stdout
    out = subprocess.run(
        [sys.executable, script, *TINY, "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "Epoch 1/1" in out.stdout and out.stderr == ""  # no progress bars when not on a terminal


@needs_mnist
def test_t10k_protocol_on_real_mnist(capsys):
    history = mnist_example.main(
        ["--data-dir", MNIST_DIR, "--epochs", "1", "--limit", "1000", "--no-progress"]
    )
    out = capsys.readouterr().out
    assert "training on its first 8,000 images, testing on the last 2,000" in out
    assert "1,000 training / 2,000 test images (28x28)" in out
    assert history["test_acc"][0] > 0.5  # 1,000 images, one epoch: well above chance


# --- predict.py ---
@pytest.fixture(scope="module")
def digits_checkpoint(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("ckpt") / "digits.ckpt")
    mt.manual_seed(0)
    mnist_example.main(["--dataset", "digits", "--epochs", "5", "--no-progress", "--save", path])
    return path


def _save_png(path, array):
    from PIL import Image

    Image.fromarray(array).save(path)
    return str(path)


def _model_probs(checkpoint, image_uint8):
    """What the trained model gives for an image fed through the training transform, in process."""
    model, ckpt = predict_example.load_model(checkpoint)
    x = mnist_example._transform(ckpt["args"]["dataset"])(image_uint8)
    with mt.no_grad():
        return mt.nn.functional.softmax(model(x.unsqueeze(0)), dim=1)[0].numpy()


@pytest.mark.parametrize("white_background", [False, True])
def test_predict_digit_png(tmp_path, digits_checkpoint, white_background, capsys):
    test = Digits(train=False)
    image, label = test.data.numpy()[7], int(test.targets[7])
    expected = _model_probs(digits_checkpoint, image)
    drawn = 255 - image if white_background else image
    exact = _save_png(tmp_path / "exact.png", drawn)
    probs = predict_example.main([digits_checkpoint, exact])
    np.testing.assert_allclose(probs, expected, rtol=1e-6, atol=1e-7)  # same pixels -> same answer
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"{exact}: {int(expected.argmax())} (")
    assert len(out.splitlines()) == 11 and abs(probs.sum() - 1) < 1e-5
    big = _save_png(tmp_path / "big.png", np.kron(drawn, np.ones((6, 6), np.uint8)))  # 48x48, any size works
    np.testing.assert_allclose(
        predict_example.main([digits_checkpoint, big, "--no-center"]), expected, rtol=1e-6, atol=1e-7
    )
    centred = predict_example.main([digits_checkpoint, big])
    assert centred.shape == (10,) and abs(centred.sum() - 1) < 1e-5
    assert int(expected.argmax()) == label  # the model gets this one right


def test_predict_color_jpeg_and_transparency(tmp_path, digits_checkpoint):
    from PIL import Image

    image = Digits(train=False).data.numpy()[3]
    rgb = np.stack([255 - np.kron(image, np.ones((5, 5), np.uint8))] * 3, axis=-1)
    Image.fromarray(rgb).save(tmp_path / "d.jpg", quality=95)
    probs = predict_example.main([digits_checkpoint, str(tmp_path / "d.jpg")])
    assert probs.shape == (10,) and abs(probs.sum() - 1) < 1e-5
    rgba = np.zeros(rgb.shape[:2] + (4,), np.uint8)
    rgba[..., 3] = np.kron(image, np.ones((5, 5), np.uint8))  # black ink drawn on a transparent sheet
    Image.fromarray(rgba, "RGBA").save(tmp_path / "d.png")
    gray = 255 - np.asarray(Image.open(tmp_path / "d.png").convert("RGBA"))[..., 3]  # ink on white
    flat = predict_example.main([digits_checkpoint, _save_png(tmp_path / "flat.png", gray)])
    np.testing.assert_allclose(
        predict_example.main([digits_checkpoint, str(tmp_path / "d.png")]), flat, rtol=1e-6
    )


@needs_mnist
def test_predict_real_mnist_digit(tmp_path):
    ckpt = str(tmp_path / "mnist.ckpt")
    mnist_example.main(
        ["--data-dir", MNIST_DIR, "--epochs", "1", "--limit", "2000", "--no-progress", "--save", ckpt]
    )
    test = MNIST(MNIST_DIR, train=False)
    image = test.data.numpy()[9000]  # from the held-out last 2,000
    expected = _model_probs(ckpt, image)
    for drawn in (image, 255 - image):  # white on black, and black on white
        probs = predict_example.main([ckpt, _save_png(tmp_path / "digit.png", drawn)])
        np.testing.assert_allclose(probs, expected, rtol=1e-6, atol=1e-7)
    big = np.kron(255 - image, np.ones((4, 4), np.uint8))  # 112x112, black on white
    probs = predict_example.main([ckpt, _save_png(tmp_path / "big.png", big)])
    assert probs.shape == (10,) and abs(probs.sum() - 1) < 1e-5
