# LR schedulers, gradient clipping and weight initialisation
import math

import numpy as np
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
for m in model:
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
bound = math.sqrt(6 / (4 + 8))
print("xavier within bound", bool(model[0].weight.abs().max() <= bound), model[0].bias.abs().sum().item())
w = torch.empty(64, 32)
nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
print("kaiming std ~", round(w.std().item() / math.sqrt(2 / 64), 1))
nn.init.constant_(w, 0.5)
print(w.sum().item())
rng = np.random.default_rng(0)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)), dtype=torch.float32))
x = torch.tensor(rng.standard_normal((20, 4)), dtype=torch.float32)
y = torch.tensor(rng.standard_normal((20, 1)), dtype=torch.float32)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.2, total_steps=12)
for step in range(12):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    opt.step()
    sched.step()
    if step % 3 == 0:
        print(f"{step} loss {loss.item():.5f} norm {norm.item():.4f} lr {sched.get_last_lr()[0]:.5f}")
torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
print(max(p.grad.abs().max().item() for p in model.parameters()) <= 0.01)
for cls, kw in [
    (torch.optim.lr_scheduler.StepLR, dict(step_size=2, gamma=0.5)),
    (torch.optim.lr_scheduler.CosineAnnealingLR, dict(T_max=5)),
    (torch.optim.lr_scheduler.ExponentialLR, dict(gamma=0.9)),
    (torch.optim.lr_scheduler.MultiStepLR, dict(milestones=[2, 4], gamma=0.1)),
]:
    o = torch.optim.Adam([nn.Parameter(torch.zeros(1))], lr=1.0)
    s = cls(o, **kw)
    lrs = []
    for _ in range(6):
        o.step()
        s.step()
        lrs.append(round(s.get_last_lr()[0], 5))
    print(cls.__name__, lrs)
o = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1)
for metric in [1.0, 0.9, 0.95, 0.96, 0.97, 0.98]:
    plateau.step(metric)
print("plateau", o.param_groups[0]["lr"])
