"""The promise: a PyTorch training script runs on minitorch by changing the import lines, and
gives the same numbers. The script below is PyTorch's classic MNIST example (scaled down so it
runs in a second) run twice, once per library, from the same initial weights."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import needs_torch, torch

import minitorch

pytestmark = needs_torch

SCRIPT = """
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout(0.0)
        self.dropout2 = nn.Dropout(0.0)
        self.fc1 = nn.Linear(8 * 5 * 5, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def run(initial_state, images, labels, dtype_name):
    use_cuda = torch.cuda.is_available()
    device = torch.device("cuda" if use_cuda else "cpu")
    model = Net().to(device=device, dtype=getattr(torch, dtype_name))
    model.load_state_dict(initial_state)
    loader = DataLoader(TensorDataset(torch.tensor(images), torch.tensor(labels)), batch_size=8)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    losses = []
    for epoch in range(2):
        model.train()
        for data, target in loader:
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            loss = F.nll_loss(model(data), target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        model.eval()
        correct, test_loss = 0, 0.0
        with torch.no_grad():
            for data, target in loader:
                output = model(data)
                test_loss += F.nll_loss(output, target, reduction="sum").item()
                pred = output.argmax(dim=1, keepdim=True)
                correct += pred.eq(target.view_as(pred)).sum().item()
        losses.append(test_loss)
    return losses, correct, {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
"""

HEADERS = {
    "torch": (
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport torch.optim as optim\n"
        "from torch.optim.lr_scheduler import StepLR\nfrom torch.utils.data import DataLoader, TensorDataset\n"
    ),
    "minitorch": (
        "import minitorch as torch\nimport minitorch.nn as nn\nimport minitorch.nn.functional as F\n"
        "import minitorch.optim as optim\nfrom minitorch.optim.lr_scheduler import StepLR\n"
        "from minitorch.utils.data import DataLoader, TensorDataset\n"
    ),
}


def _load(lib: str) -> dict:
    namespace: dict = {}
    exec(compile(HEADERS[lib] + SCRIPT, f"<classic mnist example, {lib}>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_classic_mnist_example_gives_the_same_numbers(dtype):
    rng = np.random.default_rng(0)
    images = rng.standard_normal((24, 1, 14, 14)).astype(dtype)
    labels = rng.integers(0, 10, 24)
    ns_t, ns_m = _load("torch"), _load("minitorch")
    torch.manual_seed(0)
    net = ns_t["Net"]()
    if dtype == np.float64:
        net = net.double()
    initial = {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}

    losses_t, correct_t, final_t = ns_t["run"](
        {k: torch.tensor(v) for k, v in initial.items()}, images, labels, np.dtype(dtype).name
    )
    losses_m, correct_m, final_m = ns_m["run"](
        {k: minitorch.tensor(v) for k, v in initial.items()}, images, labels, np.dtype(dtype).name
    )

    rtol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(losses_m, losses_t, rtol=rtol, atol=1e-6 if dtype == np.float32 else 1e-12)
    assert correct_m == correct_t
    for k in final_t:
        assert final_m[k].dtype == final_t[k].dtype, k
        np.testing.assert_allclose(
            final_m[k], final_t[k], rtol=rtol * 10, atol=1e-5 if dtype == np.float32 else 1e-10
        )


def test_device_queries_and_moves():
    assert not minitorch.cuda.is_available() and not minitorch.backends.mps.is_available()
    assert repr(minitorch.device("cpu")) == repr(torch.device("cpu"))
    assert str(minitorch.device("cuda:1")) == str(torch.device("cuda:1"))
    x = minitorch.randn(2)
    assert x.to(minitorch.device("cpu")) is x and x.device == "cpu" and x.device == minitorch.device("cpu")
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        x.to("cuda")
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        minitorch.nn.Linear(2, 2).to(minitorch.device("cuda"))
