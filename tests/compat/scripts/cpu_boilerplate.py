# Multi-GPU / deployment boilerplate that scripts carry on a CPU: DataParallel, cudnn flags,
# torch.compile, jit.script, distributed checks, device-agnostic .to(device)
import numpy as np
import torch
import torch.backends.cudnn as cudnn
import torch.distributed as dist
import torch.nn as nn

cudnn.benchmark = True
torch.backends.cudnn.deterministic = True
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
print(
    "device",
    device.type,
    "gpus",
    torch.cuda.device_count(),
    "dist",
    dist.is_available() and dist.is_initialized(),
)
model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2))
rng = np.random.default_rng(0)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)), dtype=torch.float32))
if torch.cuda.device_count() > 1:
    model = nn.DataParallel(model)
wrapped = nn.DataParallel(model)
model = model.to(device)
x = torch.tensor(rng.standard_normal((5, 4)), dtype=torch.float32, device=device)
print(f"{wrapped(x).sum().item():.5f}", list(wrapped.module.state_dict().keys())[:2])
compiled = torch.compile(model)
print(f"{compiled(x).sum().item():.5f}")
scripted = torch.jit.script(model) if hasattr(torch.jit, "script") else model
print(f"{scripted(x).abs().sum().item():.5f}")
out = model(x.cpu()).detach().cpu().numpy()
print([round(float(v), 4) for v in out[0]], x.is_cuda)
