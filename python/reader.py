"""The reader's script, as asked: x = linspace(0, 100, 100), nn.Linear(1, 1), SGD with
lr = 1e-5, MSELoss, 100 full-batch epochs. The slope learns; the intercept barely moves.

    .venv/bin/python python/reader.py

The data are the book's copy of the question's (`src/generated/ch1/reader-question.csv`,
written by the Rust code), so both languages train on the same bits.
"""
import torch

from book_data import READER, load


# ANCHOR: reader
def reader_script(x, y, lr=1e-5, epochs=100, dtype=torch.float32, seed=42):
    """The question's loop. float32, as `torch.FloatTensor` makes it."""
    torch.manual_seed(seed)
    inputs = x.to(dtype).unsqueeze(1)  # shape (100, 1): one column per feature
    targets = y.to(dtype).unsqueeze(1)
    model = torch.nn.Linear(1, 1).to(dtype)  # w and b drawn uniformly in [−1, 1)
    start = (model.weight.item(), model.bias.item())
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_function = torch.nn.MSELoss()  # the mean over the 100 points
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = loss_function(model(inputs), targets)
        loss.backward()
        if epoch == 0:
            first_grads = (model.weight.grad.item(), model.bias.grad.item())
        optimizer.step()
    return start, first_grads, (model.weight.item(), model.bias.item())
# ANCHOR_END: reader


def least_squares(x, y):
    """(w*, b*) in float64, the target every run is measured against."""
    X = torch.stack([x, torch.ones_like(x)], dim=1).to(torch.float64)
    w, b = torch.linalg.lstsq(X, y.to(torch.float64).unsqueeze(1)).solution.squeeze(1).tolist()
    return w, b


def report(start, grads, end, star):
    """What the script prints: the symptom in five lines."""
    (w0, b0), (gw, gb), (w, b), (ws, bs) = start, grads, end, star
    return (
        f"start          w = {w0:.4f}, b = {b0:.4f}\n"
        f"first grads    dL/dw = {gw:.1f}, dL/db = {gb:.2f}\n"
        f"after 100      w = {w:.4f}, b = {b:.4f}\n"
        f"least squares  w = {ws:.4f}, b = {bs:.4f}\n"
        f"b has moved {100 * (b - b0) / (bs - b0):.1f} % of the way to b*\n"
    )


def main():
    x, y = load(READER)
    start, grads, end = reader_script(x, y)
    print(report(start, grads, end, least_squares(x, y)), end="")


if __name__ == "__main__":
    main()
