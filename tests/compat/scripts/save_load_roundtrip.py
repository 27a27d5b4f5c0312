# save/load of model and optimizer state_dicts, resuming training gives the same numbers
import io

import numpy as np
import torch
import torch.nn as nn


def make():
    m = nn.Sequential(nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 2))
    rng = np.random.default_rng(0)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)), dtype=torch.float32))
    return m, torch.optim.Adam(m.parameters(), lr=0.01)


rng = np.random.default_rng(1)
x = torch.tensor(rng.standard_normal((10, 3)), dtype=torch.float32)
y = torch.tensor(rng.integers(0, 2, 10))


def train(m, opt, n):
    for _ in range(n):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(m(x), y)
        loss.backward()
        opt.step()
    return loss.item()


model, opt = make()
train(model, opt, 3)
buf = io.BytesIO()
torch.save(
    {"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict()}, buf
)
print(list(model.state_dict().keys()))
print(sorted(opt.state_dict()["state"][0].keys()))
full = train(model, opt, 3)
buf.seek(0)
ckpt = torch.load(buf, weights_only=True)
model2, opt2 = make()
model2.load_state_dict(ckpt["model_state_dict"])
opt2.load_state_dict(ckpt["optimizer_state_dict"])
resumed = train(model2, opt2, 3)
print(ckpt["epoch"], f"{full:.6f}", f"{resumed:.6f}", full == resumed)
missing = model2.load_state_dict(
    {k: v for k, v in ckpt["model_state_dict"].items() if k != "2.bias"}, strict=False
)
print(missing.missing_keys, missing.unexpected_keys)
