# Curve fitting with optim.LBFGS and a closure, with and without the strong-Wolfe line search
import numpy as np
import torch

rng = np.random.default_rng(0)
x = torch.tensor(np.linspace(0, 3, 40))
y = 2.0 * torch.exp(-1.3 * x) + 0.5 + torch.tensor(rng.normal(0, 0.01, 40))


def fit(ls):
    params = torch.tensor([1.0, -0.5, 0.0], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS(
        [params], lr=0.5 if ls is None else 1, history_size=10, max_iter=20, line_search_fn=ls
    )

    def closure():
        optimizer.zero_grad()
        pred = params[0] * torch.exp(params[1] * x) + params[2]
        loss = ((pred - y) ** 2).mean()
        loss.backward()
        return loss

    for i in range(3):
        loss = optimizer.step(closure)
        print(ls, i, f"{loss.item():.8f}")
    return params, optimizer


for ls in (None, "strong_wolfe"):
    params, optimizer = fit(ls)
    print([round(v, 4) for v in params.tolist()], optimizer.state_dict()["state"][0]["func_evals"])
