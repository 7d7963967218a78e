"""xgrad.inspect and step-through on a small course network."""
import json
import shutil

import numpy as np
import pytest

import xgrad


def small_loss():
    rng = np.random.RandomState(2)
    W1 = xgrad.Tensor(rng.randn(3, 2), requires_grad=True, label="W[1]")
    b1 = xgrad.Tensor(np.zeros((3, 1)), requires_grad=True, label="b[1]")
    W2 = xgrad.Tensor(rng.randn(1, 3), requires_grad=True, label="W[2]")
    b2 = xgrad.Tensor(np.zeros((1, 1)), requires_grad=True, label="b[2]")
    X, Y = rng.randn(2, 5), (rng.rand(1, 5) > 0.5).astype(float)
    A1 = xgrad.relu(xgrad.linear(W1, X, b1))
    A1.label = "A[1]"
    J = xgrad.binary_cross_entropy_with_logits(xgrad.linear(W2, A1, b2), Y)
    J.label = "J"
    return J, [W1, b1, W2, b2]


def test_text_dot_and_json():
    J, params = small_loss()
    g = xgrad.inspect(J, batch_size=5)
    text = g.to_text()
    for word in ("linear", "relu", "binary_cross_entropy_with_logits", "W[1]", "A[1]", "(3, m)"):
        assert word in text, word
    assert g.op_count == 4 and len(g) == 4 + 4 + 2  # ops, parameters, X and Y
    assert g.to_dot().startswith("digraph")
    doc = json.loads(g.to_json())
    assert doc["schema"] == "xgrad-graph"
    assert {n["label"] for n in g.nodes} >= {"W[1]", "b[1]", "A[1]", "J"}


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot not installed")
def test_svg_for_jupyter():
    J, _ = small_loss()
    svg = xgrad.inspect(J)._repr_svg_()
    assert "<svg" in svg and "W[1]" in svg


def test_step_through_ends_with_backwards_gradients():
    J, params = small_loss()
    J.backward(retain_graph=True)
    want = [p.grad.copy() for p in params]
    for p in params:
        p.zero_grad()
    steps = list(xgrad.step_through(J))
    assert len(steps) == 4 and "binary_cross_entropy_with_logits" in steps[0]
    for p, w in zip(params, want):
        np.testing.assert_allclose(p.grad, w, rtol=1e-14)
