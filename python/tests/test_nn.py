"""xgrad.nn.Model on the course's dictionaries, against the course's numpy formulas."""
import io

import numpy as np
import pytest

import xgrad
import course


def test_numpy_generator_draws_the_courses_parameters():
    dims = [5, 4, 3, 1]
    model = xgrad.nn.Model(dims, ["relu", "relu", "sigmoid"], init="xavier", seed=1,
                           generator="numpy")
    want = course.initialize_parameters_deep(dims, seed=1)  # randn / sqrt(n_prev), seed 1
    got = model.parameters()
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_array_equal(got[key], want[key], err_msg=key)


def test_from_parameters_forward_loss_and_predict_match_numpy():
    parameters, X, Y, activations = course.problem()
    model = xgrad.nn.Model.from_parameters(parameters, activations)
    assert model.L == 3 and model.layer_dims == [5, 4, 3, 1]
    assert model.activations == ["relu", "relu", "sigmoid"]
    for key, value in model.parameters().items():
        np.testing.assert_array_equal(value, parameters[key])
    AL, _ = course.L_model_forward(X, parameters)
    np.testing.assert_allclose(model.forward(X).value, AL, rtol=1e-13)
    np.testing.assert_allclose(model.loss(X, Y).item(), course.compute_cost(AL, Y), rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), (AL > 0.5).astype(float))
    with pytest.raises(ValueError, match="W3|missing"):
        xgrad.nn.Model.from_parameters({k: parameters[k] for k in ("W1", "b1", "W2", "b2")},
                                       activations)


def test_loss_backward_fills_the_parameter_tensors_with_the_courses_grads():
    parameters, X, Y, activations = course.problem()
    model = xgrad.nn.Model.from_parameters(parameters, activations)
    model.loss(X, Y).backward()
    AL, caches = course.L_model_forward(X, parameters)
    grads = course.L_model_backward(AL, Y, caches)
    for key, t in model.tensors().items():
        np.testing.assert_allclose(t.grad, grads["d" + key], rtol=1e-9, atol=1e-13,
                                   err_msg=key)


def test_a_gradient_descent_step_is_the_courses_update():
    parameters, X, Y, activations = course.problem()
    model = xgrad.nn.Model.from_parameters(parameters, activations)
    opt = model.optimizer("gd", 0.1)
    model.loss(X, Y).backward()
    opt.step()
    AL, caches = course.L_model_forward(X, parameters)
    grads = course.L_model_backward(AL, Y, caches)
    for key, value in model.parameters().items():
        np.testing.assert_allclose(value, parameters[key] - 0.1 * grads["d" + key], rtol=1e-9,
                                   atol=1e-13, err_msg=key)


def test_fit_learns_and_prints_plain_lines_without_a_tty():
    rng = np.random.RandomState(0)
    X = rng.randn(2, 200)
    Y = (X[0:1] * X[1:2] > 0).astype(float)  # xor-like: needs the hidden layer
    model = xgrad.nn.Model([2, 8, 1], ["tanh", "sigmoid"], init="xavier", seed=1)
    out = io.StringIO()
    history = model.fit(X, Y, optimizer="adam", learning_rate=0.05, epochs=300, file=out)
    assert len(history) == 300 and history[-1]["loss"] < 0.5 * history[0]["loss"]
    assert model.evaluate(X, Y)["accuracy"] > 0.85
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and 10 <= len(lines) <= 12
    assert lines[-1].startswith("epoch 300/300")


def test_fit_refuses_bad_labels_and_stops_a_diverged_run():
    rng = np.random.RandomState(0)
    X = rng.randn(2, 40)
    Y = (rng.rand(1, 40) > 0.5).astype(float)
    model = xgrad.nn.Model([2, 4, 1], ["relu", "sigmoid"], seed=1)
    bad = Y.copy()
    bad[0, 7] = 2.0
    with pytest.raises(xgrad.DataError, match=r"Y\[0, 7\]") as caught:
        model.fit(X, bad, epochs=1, progress=False)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(xgrad.DivergenceError, match="diverged") as caught:
        model.fit(X * 100, Y, optimizer="gd", learning_rate=1000.0, epochs=50, progress=False)
    assert isinstance(caught.value, RuntimeError)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_fit_redraws_one_line_in_a_terminal():
    rng = np.random.RandomState(0)
    X, Y = rng.randn(2, 64), (rng.rand(1, 64) > 0.5).astype(float)
    model = xgrad.nn.Model([2, 3, 1], ["relu", "sigmoid"])
    out = _Terminal()
    model.fit(X, Y, epochs=3, batch_size=16, file=out)
    text = out.getvalue()
    assert "\r[" in text and text.count("\n") == 1 and "epoch 3/3" in text


def test_optimisers_keep_their_model_alive_and_state():
    rng = np.random.RandomState(1)
    X, Y = rng.randn(3, 10), (rng.rand(1, 10) > 0.5).astype(float)
    model = xgrad.nn.Model([3, 2, 1], ["relu", "sigmoid"])
    adam = model.optimizer("adam", 0.01)
    tensors = model.tensors()
    del model
    for _ in range(3):
        adam.zero_grad()
        J = xgrad.binary_cross_entropy_with_logits(xgrad.linear(tensors["W2"], xgrad.relu(
            xgrad.linear(tensors["W1"], X, tensors["b1"])), tensors["b2"]), Y)
        J.backward()
        adam.step()
    assert adam.t == 3 and "v_dW1" in adam.state()
