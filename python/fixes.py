"""The book's fixes for the stuck intercept, in PyTorch, each a short function to paste.

Every function takes 1-D float64 tensors x and y (use `book_data.load`, or your own) and
returns plain Python floats. float64 throughout: the book's numbers are float64, and the
point of these runs is the optimizer, not float32 rounding (chapter 9 shows that one).
"""
import math

import torch


# ANCHOR: linear
def linear(w, b, dtype=torch.float64):
    """nn.Linear(1, 1) starting from the line y = w·x + b (weight shape (1, 1), bias (1,))."""
    model = torch.nn.Linear(1, 1, dtype=dtype)
    with torch.no_grad():
        model.weight.fill_(w)
        model.bias.fill_(b)
    return model
# ANCHOR_END: linear


# ANCHOR: train
def train(model, optimizer, x, y, epochs, loss_fn=torch.nn.MSELoss()):
    """The framework loop, full batch: one step per epoch on all the rows."""
    inputs, targets = x.unsqueeze(1), y.unsqueeze(1)
    for _ in range(epochs):
        optimizer.zero_grad()
        loss_fn(model(inputs), targets).backward()
        optimizer.step()
    return model.weight.item(), model.bias.item()
# ANCHOR_END: train


def steps_to_reach(model, optimizer, x, y, star, eps=1e-6, budget=100_000):
    """Steps of the loop above until ‖θ − θ*‖/‖θ*‖ < eps (the book's stopping rule):
    (steps, (w, b)), or (None, (w, b)) if `budget` steps are not enough."""
    inputs, targets = x.unsqueeze(1), y.unsqueeze(1)
    loss_fn = torch.nn.MSELoss()
    for t in range(budget + 1):
        w, b = model.weight.item(), model.bias.item()
        if math.hypot(w - star[0], b - star[1]) / math.hypot(*star) < eps:
            return t, (w, b)
        if t == budget:
            return None, (w, b)
        optimizer.zero_grad()
        loss_fn(model(inputs), targets).backward()
        optimizer.step()


# ANCHOR: standardize
def fit_standardized(x, y, start=(0.0, 0.0), lr=0.1, epochs=100):
    """Chapter 5: train on x̃ = (x − x̄)/sₓ and ỹ = (y − ȳ)/s_y, then map the line back.
    torch.std divides by n − 1 unless told otherwise; correction=0 divides by n, the
    book's choice, which makes the standardized Hessian exactly 2·I. Either choice gives
    the same line once mapped back."""
    x_mean, x_sd = x.mean().item(), x.std(correction=0).item()
    y_mean, y_sd = y.mean().item(), y.std(correction=0).item()
    model = linear(*start)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    w_s, b_s = train(model, optimizer, (x - x_mean) / x_sd, (y - y_mean) / y_sd, epochs)
    w = w_s * y_sd / x_sd
    b = y_mean + y_sd * b_s - w * x_mean
    return w, b
# ANCHOR_END: standardize


# ANCHOR: param_groups
def per_parameter_sgd(model, x):
    """Chapter 6: one rate per parameter, the inverse of the loss's curvature along it.
    H_ww = 2·mean(x²) and H_bb = 2, so the bias's rate is mean(x²) times the weight's."""
    mean_x2 = (x * x).mean().item()
    return torch.optim.SGD([
        {"params": [model.weight], "lr": 1 / (2 * mean_x2)},
        {"params": [model.bias], "lr": 1 / 2},
    ])
# ANCHOR_END: param_groups


# ANCHOR: hessian
def eigenvalues(x):
    """λmin, λmax of the mean squared error's Hessian H = 2·[[mean(x²), x̄], [x̄, 1]]."""
    m1, m2 = x.mean().item(), (x * x).mean().item()
    h = 2 * torch.tensor([[m2, m1], [m1, 1.0]], dtype=torch.float64)
    lam_min, lam_max = torch.linalg.eigvalsh(h).tolist()
    return lam_min, lam_max
# ANCHOR_END: hessian


# ANCHOR: momentum
def heavy_ball(model, x):
    """Chapter 7: heavy ball with the rate and momentum that minimise the
    worst contraction, η = 4/(√λmax + √λmin)², β = ((√κ − 1)/(√κ + 1))².
    PyTorch keeps v ← βv + g and steps θ ← θ − ηv: the book's velocity
    (v ← βv − ηg) divided by −η."""
    lam_min, lam_max = eigenvalues(x)
    s_max, s_min = math.sqrt(lam_max), math.sqrt(lam_min)
    lr = 4 / (s_max + s_min) ** 2
    beta = ((s_max - s_min) / (s_max + s_min)) ** 2
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=beta)
# ANCHOR_END: momentum


# ANCHOR: adam
def adam(model, lr):
    """Chapter 7: Adam with its default β₁ = 0.9, β₂ = 0.999, ε = 1e-8."""
    return torch.optim.Adam(model.parameters(), lr=lr)
# ANCHOR_END: adam


# ANCHOR: lstsq
def closed_form(x, y, driver=None):
    """Chapter 10: no steps at all. Columns [x, 1]; on CPU the default driver is 'gelsy'
    (QR with column pivoting)."""
    X = torch.stack([x, torch.ones_like(x)], dim=1)
    w, b = torch.linalg.lstsq(X, y.unsqueeze(1), driver=driver).solution.squeeze(1).tolist()
    return w, b
# ANCHOR_END: lstsq
