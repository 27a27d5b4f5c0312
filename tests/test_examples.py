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


# --- behaving like a polished tool: argument errors, one-line messages, pipes, packaging ---
def _run(script, *args, cwd=None, stdin=None, timeout=120):
    env = dict(os.environ, MINITORCH_MNIST_MIRRORS=_dead_url())
    return subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, script), *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
    )  # fmt: skip


@pytest.mark.parametrize(
    "args,message",
    [
        (["--limit", "0"], "argument --limit: must be positive, got 0"),
        (["--epochs", "-1"], "argument --epochs: must be positive, got -1"),
        (["--lr", "0"], "argument --lr: must be positive, got 0"),
        (["--batch-size", "x"], "argument --batch-size: invalid int value: 'x'"),
        (
            ["--save", "{tmp}/missing/run.ckpt"],
            "--save {tmp}/missing/run.ckpt: the folder {tmp}/missing does not exist",
        ),
        (["--plot", "{tmp}"], "--plot {tmp}: is a folder; give a file name"),
        (["--tensorboard", "{tmp}/file"], "--tensorboard {tmp}/file: exists and is not a folder"),
    ],
    ids=["limit0", "epochs", "lr", "batch", "save-dir", "plot-dir", "tb-file"],
)
def test_bad_arguments_fail_before_training(tmp_path, args, message):
    (tmp_path / "file").write_text("x")
    out = _run("mnist.py", *TINY, *(a.format(tmp=tmp_path) for a in args))
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines()[-1] == f"mnist.py: error: {message.format(tmp=tmp_path)}"


def test_help_shows_each_default_once_and_every_option_has_help():
    text = _run("mnist.py", "--help").stdout
    options = text.split("options:")[1]
    assert "(default: None)" not in text and options.count("default: 1000") == 1
    entries = [e for e in options.split("\n  -") if e.strip()]
    assert len(entries) == 17
    for entry in entries:  # "name [METAVAR]   help text" on the first or the next line
        assert len(entry.split()) > 2 or entry.strip().startswith("-no-progress"), entry


def test_resume_names_the_settings_it_keeps_without_looking_for_data(tmp_path, capsys):
    ckpt = str(tmp_path / "run.ckpt")
    mnist_example.main(TINY + ["--epochs", "1", "--save", ckpt])
    capsys.readouterr()
    mnist_example.main(
        ["--resume", ckpt, "--model", "cnn", "--seed", "7", "--lr", "0.003", "--data-dir", "/nope"]
    )
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "--resume: keeping the saved --model mlp (the command line said cnn)",
        "--resume: keeping the saved --seed 1 (the command line said 7)",
    ]  # --lr 0.003 agrees with the saved value, so it is not mentioned


def test_one_epoch_wording_and_sub_second_times(capsys):
    mnist_example.main(TINY + ["--epochs", "1"])
    out = capsys.readouterr().out
    assert "1 epoch," in out and "1 epochs" not in out and "after 1 epoch " in out
    seconds = out.split("Epoch 1/1")[1].splitlines()[0].split("|")[-1].strip()
    assert seconds.endswith("s") and seconds != "0.0s" and float(seconds[:-1]) > 0


def test_failed_download_leaves_no_empty_folders(offline):
    root = offline / "new" / "data"
    with pytest.raises(SystemExit):
        mnist_example.main(["--dataset", "mnist", "--data-dir", str(root), "--no-progress"])
    assert not (offline / "new").exists()


def test_tensorboard_logs_loss_accuracy_and_gradient_norms(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    mnist_example.main(TINY + ["--epochs", "2", "--tensorboard", str(tmp_path / "tb")])
    events = EventAccumulator(str(tmp_path / "tb"))
    events.Reload()
    tags = set(events.Tags()["scalars"])
    assert {"loss/train", "loss/test", "accuracy/train", "accuracy/test"} <= tags
    assert {"grad_norm/fc1.weight", "grad_norm/fc2.bias"} <= tags
    assert [e.step for e in events.Scalars("loss/train")] == [1, 2]
    assert all(0 < e.value for e in events.Scalars("grad_norm/fc1.weight"))


@pytest.mark.parametrize("script,args", [("mnist.py", [*TINY, "--epochs", "3"]), ("predict.py", ["--help"])])
def test_piped_into_head_exits_quietly(script, args):
    env = dict(os.environ, MINITORCH_MNIST_MIRRORS=_dead_url())
    cmd = f"{sys.executable} {os.path.join(EXAMPLES, script)} {' '.join(args)} | head -1"
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120, env=env)
    assert out.stderr == "" and len(out.stdout.splitlines()) == 1


def test_predict_user_mistakes_are_one_line(tmp_path, digits_checkpoint):
    png = _save_png(tmp_path / "d.png", Digits(train=False).data.numpy()[0])
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    cases = [
        ([str(tmp_path / "nope.ckpt"), png], f"error: checkpoint {tmp_path / 'nope.ckpt'}: no such file"),
        ([png, digits_checkpoint], f"error: the arguments look swapped: {digits_checkpoint} is a checkpoint"),
        ([digits_checkpoint, str(text)], f"error: {text} is not an image Pillow can read"),
        ([str(text), png], f"error: {text} is not a checkpoint written by mnist.py --save"),
    ]
    for args, message in cases:
        out = _run("predict.py", *args)
        assert out.returncode == 1 and out.stdout == "" and len(out.stderr.splitlines()) == 1, out.stderr
        assert out.stderr.startswith(message), out.stderr


@pytest.mark.slow
def test_quick_start_next_to_the_clone_imports_the_installed_package(tmp_path):
    """`git clone ... minitorch; pip install -e minitorch; python quick.py` from the clone's parent."""
    import shutil

    repo = os.path.dirname(EXAMPLES)
    clone = tmp_path / "minitorch"
    clone.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(os.path.join(repo, name), clone)
    shutil.copytree(
        os.path.join(repo, "minitorch"), clone / "minitorch", ignore=shutil.ignore_patterns("__pycache__")
    )
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True
    )
    python = str(venv / "bin" / "python")
    install = [
        python,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-e",
        str(clone),
    ]
    done = subprocess.run(install, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (tmp_path / "quick.py").write_text(
        "import minitorch as torch\ntorch.manual_seed(0)\nprint(torch.__file__)\n"
    )
    out = subprocess.run([python, "quick.py"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(clone / "minitorch" / "__init__.py")
