# The autograd tutorial: requires_grad, grad_fn names, backward, no_grad, detach, Jacobian products
import torch

x = torch.ones(5)
y = torch.zeros(3)
w = torch.tensor([[0.1 * i - 0.3 * j for j in range(3)] for i in range(5)], requires_grad=True)
b = torch.tensor([0.5, -0.5, 0.25], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {type(z.grad_fn).__name__}")
print(f"Gradient function for loss = {type(loss.grad_fn).__name__}")
loss.backward()
print([round(v, 5) for v in w.grad[:, 0].tolist()], [round(v, 5) for v in b.grad.tolist()])
z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad, (torch.matmul(x, w) + b).detach().requires_grad)
inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call {inp.grad.sum().item()}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"Second call {inp.grad.sum().item()}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"Call after zeroing gradients {inp.grad.sum().item()}")
a = torch.tensor([2.0, 3.0], requires_grad=True)
q = 3 * a**3 - torch.tensor([6.0, 4.0], requires_grad=True) ** 2
q.backward(gradient=torch.tensor([1.0, 1.0]))
print(a.grad.tolist(), type(q.grad_fn).__name__)
lin = torch.nn.Linear(3, 2)
print(type(lin(torch.ones(4, 3)).grad_fn).__name__, type(torch.nn.functional.silu(a).grad_fn).__name__)
ce = torch.nn.functional.cross_entropy(torch.ones(2, 3, requires_grad=True), torch.tensor([0, 1]))
print(type(ce.grad_fn).__name__, type(ce.grad_fn.next_functions[0][0]).__name__)
