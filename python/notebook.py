"""The notebook's section 7 (`nn.Linear` + `MSELoss(reduction='sum')`) on the Paris data,
in float32 as the notebook runs it, with its slips corrected, and the two points it makes
without meaning to: integer tensors, and float32."""
import torch


# ANCHOR: notebook
def notebook_run(x, y, lr=0.01, iterations=200, dtype=torch.float32):
    """Standardize with torch.std (n − 1, as the notebook does), start from w = b = 0.5,
    sum the squared errors, map back to €/m² and €."""
    x, y = x.to(dtype), y.to(dtype)
    x_mean, x_sd, y_mean, y_sd = x.mean(), x.std(), y.mean(), y.std()
    inputs = ((x - x_mean) / x_sd).unsqueeze(1)
    targets = ((y - y_mean) / y_sd).unsqueeze(1)
    model = torch.nn.Linear(1, 1, dtype=dtype)
    with torch.no_grad():
        model.weight.fill_(0.5)  # shape (1, 1)
        model.bias.fill_(0.5)  # shape (1,): the notebook's torch.tensor([[0.5]]) is (1, 1)
    loss_fn = torch.nn.MSELoss(reduction="sum")  # n times the mean: n times the step
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(iterations):
        optimizer.zero_grad()
        loss_fn(model(inputs), targets).backward()
        optimizer.step()
    w = model.weight.item() * y_sd.item() / x_sd.item()
    b = y_mean.item() + y_sd.item() * model.bias.item() - w * x_mean.item()
    return w, b
# ANCHOR_END: notebook


def integer_tensors():
    """What `torch.tensor([25])` gives, and what it does in each kind of loop:
    (dtype, the dtype after the notebook's update, the autograd error, the in-place error)."""
    # ANCHOR: integer_tensors
    w = torch.tensor([25])  # no decimal point: an integer tensor
    start_dtype = w.dtype  # torch.int64
    w = w - 1e-5 * torch.tensor([-3.0])  # the notebook's update promotes it silently...
    after_dtype = w.dtype  # ...to torch.float32, the default float type, not float64
    try:
        v = torch.tensor([25])
        v -= 1e-5 * torch.tensor([-3.0])  # in place, it cannot: the result is float
        in_place = None
    except RuntimeError as e:
        in_place = str(e)
    try:
        torch.tensor([25], requires_grad=True)  # autograd refuses outright
        error = None
    except RuntimeError as e:
        error = str(e)
    # Write torch.tensor([25.0], dtype=torch.float64) instead.
    # ANCHOR_END: integer_tensors
    return str(start_dtype), str(after_dtype), error, in_place
