# Mixed-precision boilerplate on a CPU (disabled GradScaler, autocast off), eval mode, no_grad, .data
import numpy as np
import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
use_amp = device.type == "cuda"
model = nn.Sequential(
    nn.Linear(5, 10, bias=False), nn.BatchNorm1d(10), nn.ReLU(), nn.Dropout(0.5), nn.Linear(10, 3)
).to(device)
rng = np.random.default_rng(0)
for p in model.parameters():
    p.data.copy_(torch.tensor(rng.uniform(-0.4, 0.4, tuple(p.shape)), dtype=torch.float32))
x = torch.tensor(rng.standard_normal((12, 5)), dtype=torch.float32).to(device)
y = torch.tensor(rng.integers(0, 3, 12)).to(device)
scaler = torch.amp.GradScaler(device.type, enabled=use_amp)
print("scaler enabled", scaler.is_enabled())
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
model.train()
model[3].p = 0.0
for step in range(4):
    opt.zero_grad()
    with torch.autocast(device_type=device.type, dtype=torch.float16, enabled=use_amp):
        loss = nn.functional.cross_entropy(model(x), y)
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    print(f"step {step} {loss.item():.5f} {loss.dtype}")
model.eval()
with torch.no_grad():
    out = model(x)
print(out.requires_grad, f"{out.sum().item():.4f}", [round(v, 4) for v in model[1].running_var[:3].tolist()])
with torch.inference_mode():
    print(f"{model(x[:2]).abs().sum().item():.4f}")
model[0].weight.data.mul_(0.0)
print(model[0].weight.abs().sum().item(), model[0].weight.requires_grad)
