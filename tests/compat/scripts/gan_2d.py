# A GAN on 2-D points: generator and discriminator, BCELoss, detach(), two Adam optimizers
import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(0)
G = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 2))
D = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1), nn.Sigmoid())
for net in (G, D):
    for m in net.modules():
        if isinstance(m, nn.Linear):
            with torch.no_grad():
                m.weight.copy_(torch.tensor(rng.normal(0, 0.3, tuple(m.weight.shape)), dtype=torch.float32))
                m.bias.fill_(0.0)
criterion = nn.BCELoss()
optG = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
optD = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
real_label, fake_label = 1.0, 0.0
for it in range(40):
    angles = rng.uniform(0, 2 * np.pi, 32)
    real = torch.tensor(np.stack([np.cos(angles), np.sin(angles)], 1), dtype=torch.float32)
    noise = torch.tensor(rng.standard_normal((32, 2)), dtype=torch.float32)
    D.zero_grad()
    label = torch.full((32,), real_label, dtype=torch.float)
    errD_real = criterion(D(real).view(-1), label)
    errD_real.backward()
    fake = G(noise)
    label.fill_(fake_label)
    errD_fake = criterion(D(fake.detach()).view(-1), label)
    errD_fake.backward()
    optD.step()
    G.zero_grad()
    label.fill_(real_label)
    errG = criterion(D(fake).view(-1), label)
    errG.backward()
    optG.step()
    if it % 10 == 0:
        print(f"[{it}] Loss_D: {(errD_real + errD_fake).item():.4f} Loss_G: {errG.item():.4f}")
with torch.no_grad():
    pts = G(torch.zeros(1, 2))
print([round(v, 3) for v in pts.view(-1).tolist()])
