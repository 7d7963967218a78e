"""xgrad.Tensor on numpy arrays: dtypes, views that never dangle, operators, every op of the
op table against numpy and against central differences, backward, grad, the contexts."""
import gc
import sys
import threading

import numpy as np
import pytest

import xgrad


# ---- construction and dtypes ---------------------------------------------------------------

def test_float64_and_float32_keep_their_dtype():
    a = np.arange(6.0).reshape(2, 3)
    t = xgrad.Tensor(a)
    assert t.dtype == np.float64 and t.shape == (2, 3) and t.ndim == 2 and t.size == 6
    np.testing.assert_array_equal(t.value, a)
    f = xgrad.Tensor(a.astype(np.float32))
    assert f.dtype == np.float32 and f.value.dtype == np.float32


def test_other_dtypes_convert_as_numpy_or_are_refused():
    assert xgrad.Tensor(np.array([1, 2, 3])).dtype == np.float64  # ints: as 1 / 2 makes them
    assert xgrad.Tensor(np.array([True, False])).dtype == np.float64
    assert xgrad.Tensor([[1.5, 2.0]]).dtype == np.float64  # lists
    assert xgrad.Tensor(np.ones(2, np.float16)).dtype == np.float32
    assert xgrad.Tensor(np.ones(3), dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match="complex128 is not a real number type"):
        xgrad.Tensor(np.ones(2, complex))
    with pytest.raises(TypeError, match="None"):
        xgrad.Tensor(None)
    with pytest.raises(TypeError, match="<U1"):
        xgrad.Tensor(np.array(["a"]))
    with pytest.raises(TypeError):
        xgrad.relu(None)


def test_non_contiguous_arrays_are_read_in_their_logical_order():
    a = np.arange(24.0).reshape(4, 6)
    for view in (a[:, ::2], a.T, a[::-1], np.asfortranarray(a)):
        np.testing.assert_array_equal(xgrad.Tensor(view).value, view)


def test_scalar_and_item():
    t = xgrad.Tensor(3.5)
    assert t.shape == () and t.item() == 3.5 and float(t) == 3.5


# ---- views keep their tensor alive -----------------------------------------------------------

def test_value_is_a_read_only_view_without_a_copy():
    t = xgrad.Tensor(np.ones((3, 2)))
    v1, v2 = t.value, t.value
    assert np.shares_memory(v1, v2)  # both look at the tensor's own buffer
    assert v1.base is not None and not v1.flags.writeable
    with pytest.raises(ValueError):
        v1[0, 0] = 5.0
    t.value = np.full((3, 2), 7.0)  # assignment copies in place: the views see it
    assert v1[0, 0] == 7.0
    with pytest.raises(xgrad.ShapeError):
        t.value = np.ones(4)


def test_a_view_outlives_its_tensor():
    t = xgrad.Tensor(np.arange(1000.0))
    v = t.value
    del t
    gc.collect()
    junk = [xgrad.Tensor(np.full(1000, -1.0)) for _ in range(50)]  # reuse freed memory
    np.testing.assert_array_equal(v, np.arange(1000.0))
    del junk


def test_a_tensor_outlives_the_array_it_came_from():
    a = np.arange(10.0)
    t = xgrad.Tensor(a)
    a[0] = 99.0  # the tensor copied: later changes to the array do not reach it
    del a
    gc.collect()
    np.testing.assert_array_equal(t.value, np.arange(10.0))


def test_a_grad_view_survives_zero_grad_and_the_tensor():
    W = xgrad.Tensor(np.ones((2, 2)), requires_grad=True)
    (W * 3.0).sum().backward()
    g = W.grad
    W.zero_grad()
    assert W.grad is None
    del W
    gc.collect()
    np.testing.assert_array_equal(g, np.full((2, 2), 3.0))


# ---- operators against numpy ------------------------------------------------------------------

def test_operators_match_numpy(rng):
    a, b = rng.randn(3, 4), rng.rand(3, 4) + 0.5
    c = rng.randn(4, 2)
    col = rng.randn(3, 1)
    A, B = xgrad.Tensor(a), xgrad.Tensor(b)
    cases = {
        "a+b": (A + B, a + b), "a-b": (A - B, a - b), "a*b": (A * B, a * b),
        "a/b": (A / B, a / b), "a@c": (A @ c, a @ c), "-a": (-A, -a), "a+col": (A + col, a + col),
        "a+2": (A + 2, a + 2), "2+a": (2 + A, 2 + a), "a-2": (A - 2, a - 2),
        "2-a": (2 - A, 2 - a), "a*2": (A * 2, a * 2), "2*a": (2 * A, 2 * a),
        "a/2": (A / 2, a / 2), "2/b": (2 / B, 2 / b), "b**3": (B ** 3, b ** 3),
        "b**0.5": (B ** 0.5, b ** 0.5), "2**a": (2 ** A, 2 ** a),
        "np+t": (a + B, a + b), "np*t": (a * B, a * b), "np@t": (c.T @ A.T, c.T @ a.T),
        "np.float64*t": (np.float64(2.5) * A, 2.5 * a), "t.T": (A.T, a.T),
    }
    for name, (got, want) in cases.items():
        assert isinstance(got, xgrad.Tensor), name
        np.testing.assert_allclose(got.value, want, rtol=1e-13, atol=1e-15, err_msg=name)


def test_tensor_exponent_is_refused_clearly():
    x = xgrad.Tensor(np.ones(2))
    with pytest.raises(TypeError, match="scalar exponent"):
        x ** x
    with pytest.raises(ValueError, match="must be > 0"):
        (-2.0) ** x


def test_float32_stays_float32_and_does_not_mix():
    f = xgrad.Tensor(np.ones(3, np.float32))
    assert (f * 2 + np.ones(3)).dtype == np.float32  # arrays take the tensor's dtype
    with pytest.raises(TypeError, match="float32 tensor and a float64 tensor|float64 tensor and a float32"):
        f + xgrad.Tensor(np.ones(3))


# ---- every op of the table -------------------------------------------------------------------

def _samples(rng):
    x = rng.randn(3, 4)
    pos = rng.rand(3, 4) + 0.5
    y = rng.randn(3, 4)
    W, A, b = rng.randn(2, 3), rng.randn(3, 5), rng.randn(2, 1)
    labels = (rng.rand(3, 4) > 0.5).astype(float)
    away = x + np.sign(x) * 0.1  # away from the kinks of relu, abs, clip
    sig = 1 / (1 + np.exp(-x))
    # name: (function of tensors, its inputs, numpy's value)
    return {
        "add": (xgrad.add, [x, y], x + y),
        "sub": (xgrad.sub, [x, y], x - y),
        "mul": (xgrad.mul, [x, y], x * y),
        "div": (xgrad.div, [x, pos], x / pos),
        "neg": (xgrad.neg, [x], -x),
        "add_scalar": (lambda t: xgrad.add_scalar(t, 1.5), [x], x + 1.5),
        "mul_scalar": (lambda t: xgrad.mul_scalar(t, -2.0), [x], -2 * x),
        "pow": (lambda t: xgrad.pow(t, 3.0), [pos], pos ** 3),
        "exp": (xgrad.exp, [x], np.exp(x)),
        "log": (xgrad.log, [pos], np.log(pos)),
        "sqrt": (xgrad.sqrt, [pos], np.sqrt(pos)),
        "abs": (xgrad.abs, [away], np.abs(away)),
        "tanh": (xgrad.tanh, [x], np.tanh(x)),
        "sigmoid": (xgrad.sigmoid, [x], sig),
        "relu": (xgrad.relu, [away], np.maximum(away, 0)),
        "softplus": (xgrad.softplus, [x], np.log1p(np.exp(x))),
        "leaky_relu": (xgrad.leaky_relu, [away], np.where(away > 0, away, 0.01 * away)),
        "clip": (lambda t: xgrad.clip(t, -0.5, 0.5), [away], np.clip(away, -0.5, 0.5)),
        "maximum": (xgrad.maximum, [x, y], np.maximum(x, y)),
        "minimum": (xgrad.minimum, [x, y], np.minimum(x, y)),
        "sum": (lambda t: xgrad.sum(t, axis=1, keepdims=True), [x], x.sum(axis=1, keepdims=True)),
        "mean": (lambda t: xgrad.mean(t, axis=0), [x], x.mean(axis=0)),
        "sum_to": (lambda t: xgrad.sum_to(t, (3, 1)), [x], x.sum(axis=1, keepdims=True)),
        "broadcast_to": (lambda t: xgrad.broadcast_to(t, (3, 4)), [x[:, :1]],
                         np.broadcast_to(x[:, :1], (3, 4))),
        "transpose": (xgrad.transpose, [x], x.T),
        "reshape": (lambda t: xgrad.reshape(t, (4, -1)), [x], x.reshape(4, 3)),
        "matmul": (xgrad.matmul, [W, A], W @ A),
        "linear": (xgrad.linear, [W, A, b], W @ A + b),
        "softmax": (lambda t: xgrad.softmax(t, axis=0), [x], np.exp(x) / np.exp(x).sum(0)),
        "log_softmax": (lambda t: xgrad.log_softmax(t, axis=0), [x],
                        x - np.log(np.exp(x).sum(0))),
        "binary_cross_entropy_with_logits": (xgrad.binary_cross_entropy_with_logits, [x, labels],
                            np.mean(-labels * np.log(sig) - (1 - labels) * np.log(1 - sig))),
        "sigmoid_grad": (xgrad.sigmoid_grad, [y, sig], y * sig * (1 - sig)),
        "tanh_grad": (xgrad.tanh_grad, [y, np.tanh(x)], y * (1 - np.tanh(x) ** 2)),
        "relu_grad": (xgrad.relu_grad, [y, np.maximum(away, 0)], y * (away > 0)),
        "leaky_relu_grad": (lambda g, t: xgrad.leaky_relu_grad(g, t, 0.01), [y, away],
                            y * np.where(away > 0, 1, 0.01)),
    }


def test_every_op_of_the_table_is_a_function_matching_numpy_and_central_differences(rng):
    samples = _samples(rng)
    table = xgrad.op_table()
    assert len(table) >= 35
    for name, arity, rule in table:
        assert callable(getattr(xgrad, name, None)), f"op {name} has no xgrad.{name}"
        assert name in samples, f"op {name} ({rule}) has no sample in this test"
        f, inputs, want = samples[name]
        assert len(inputs) == arity, name
        got = f(*[xgrad.Tensor(i, requires_grad=True) for i in inputs])
        assert got.op == name, (name, got.op)
        if want is not None:
            np.testing.assert_allclose(got.value, want, rtol=1e-12, atol=1e-14, err_msg=name)
        # the relu_grad family's saved input gets no gradient by design: check the first only
        differentiable = inputs if not name.endswith("relu_grad") else inputs[:1]
        report = xgrad.gradcheck(lambda *ts: f(*ts, *[xgrad.Tensor(i) for i in inputs[len(ts):]]),
                                 differentiable)
        assert report.passed, f"{name}:\n{report}"


def test_the_long_name_of_bce_is_the_same_op():
    z, y = np.array([[1000.0, -1000.0, 0.5]]), np.array([[1.0, 0.0, 1.0]])
    a = xgrad.binary_cross_entropy_with_logits(z, y)
    b = xgrad.binary_cross_entropy_with_logits(z, y)
    assert a.item() == b.item() and np.isfinite(a.item())


def test_sum_and_mean_over_several_axes_and_all(rng):
    x = rng.randn(2, 3, 4)
    for axis in (None, 0, -1, (0, 2), (2, 0), (0, 1, 2)):
        for keepdims in (False, True):
            np.testing.assert_allclose(xgrad.sum(x, axis=axis, keepdims=keepdims).value,
                                       np.sum(x, axis=axis, keepdims=keepdims), rtol=1e-13)
            np.testing.assert_allclose(xgrad.mean(x, axis=axis, keepdims=keepdims).value,
                                       np.mean(x, axis=axis, keepdims=keepdims), rtol=1e-13)
    t = xgrad.Tensor(x, requires_grad=True)
    t.sum(axis=(0, 2)).sum().backward()
    np.testing.assert_array_equal(t.grad, np.ones_like(x))
    with pytest.raises(xgrad.ShapeError, match="axis 3 is out of range"):
        xgrad.sum(x, axis=3)


# ---- backward, grad, contexts --------------------------------------------------------------

def test_backward_matches_the_courses_formulas(rng):
    X, Y = rng.randn(3, 8), (rng.rand(1, 8) > 0.5).astype(float)
    w, b0 = rng.randn(1, 3), rng.randn(1, 1)
    W = xgrad.Tensor(w, requires_grad=True, label="W[1]")
    b = xgrad.Tensor(b0, requires_grad=True, label="b[1]")
    Z = (W @ X + b)
    Z.label = "Z[1]"
    J = xgrad.binary_cross_entropy_with_logits(Z, Y)
    J.backward()
    A = 1 / (1 + np.exp(-(w @ X + b0)))
    np.testing.assert_allclose(W.grad, (A - Y) @ X.T / 8, rtol=1e-12)
    np.testing.assert_allclose(b.grad, np.sum(A - Y, axis=1, keepdims=True) / 8, rtol=1e-12)
    assert W.label == "W[1]" and Z.label == "Z[1]" and Z.op == "add" and W.is_leaf


def test_backward_with_a_seed_and_retain_grad(rng):
    x0 = rng.randn(2, 3)
    x = xgrad.Tensor(x0, requires_grad=True)
    h = x * 2.0
    h.retain_grad()
    y = xgrad.tanh(h)
    seed = rng.randn(2, 3)
    y.backward(seed)
    np.testing.assert_allclose(h.grad, seed * (1 - np.tanh(2 * x0) ** 2), rtol=1e-12)
    np.testing.assert_allclose(x.grad, 2 * seed * (1 - np.tanh(2 * x0) ** 2), rtol=1e-12)
    with pytest.raises(xgrad.ShapeError):
        xgrad.tanh(x * 2.0).backward(np.ones((3, 2)))


def test_grad_with_create_graph_gives_second_derivatives():
    x0 = np.array([0.5, -1.0, 2.0])
    x = xgrad.Tensor(x0, requires_grad=True)
    y = xgrad.sum(x ** 3)
    (g,) = xgrad.grad([y], [x], create_graph=True)
    np.testing.assert_allclose(g.value, 3 * x0 ** 2)
    g2 = xgrad.grad(xgrad.sum(g), x)  # a single input: a single gradient
    np.testing.assert_allclose(g2.value, 6 * x0)
    assert x.grad is None  # grad() touches no .grad


def test_a_second_backward_without_retain_graph_is_a_graph_error():
    x = xgrad.Tensor(np.ones(2), requires_grad=True)
    y = xgrad.sum(xgrad.exp(x))
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * np.e * np.ones(2))
    with pytest.raises(xgrad.GraphError) as e:
        y.backward()
    assert isinstance(e.value, RuntimeError) and "backward" in str(e.value)


def test_no_grad_and_detect_anomaly():
    x = xgrad.Tensor(np.array([1.0, -1.0]), requires_grad=True)
    with xgrad.no_grad():
        assert not xgrad.grad_enabled()
        y = x * 2.0
    assert xgrad.grad_enabled()
    assert y.is_leaf and not y.requires_grad
    with xgrad.detect_anomaly():
        with pytest.raises(xgrad.AnomalyError, match="anomaly: log") as e:
            xgrad.log(x)
    assert isinstance(e.value, RuntimeError)
    assert np.isnan(xgrad.log(x).value[1])  # off again outside the block


def test_detach_cuts_the_graph():
    x = xgrad.Tensor(np.ones(3), requires_grad=True)
    d = (x * 2.0).detach()
    assert d.is_leaf and not d.requires_grad
    np.testing.assert_array_equal(d.value, 2 * np.ones(3))


def test_relu_keeps_its_output_and_the_z_under_it_is_released():
    W = xgrad.Tensor(np.arange(12.0).reshape(4, 3) / 10 - 0.5, requires_grad=True)
    X = xgrad.Tensor(np.arange(15.0).reshape(3, 5) / 7 - 1)
    A = xgrad.relu(W @ X)
    Z = A.inputs[0]
    assert Z.op == "matmul" and Z.value_released and not A.value_released
    assert Z.shape == (4, 5)
    with pytest.raises(xgrad.GraphError, match="released"):
        Z.value
    assert "values released" in repr(Z) and "(4, 5)" in repr(Z)
    kept = W @ X  # a tensor Python holds keeps its values
    B = xgrad.relu(kept)
    assert not B.inputs[0].value_released
    np.testing.assert_array_equal(kept.value, W.value @ X.value)
    xgrad.sum(A).backward()
    np.testing.assert_allclose(W.grad, (W.value @ X.value > 0) @ X.value.T)


def test_gradcheck_reports_per_input_and_catches_a_wrong_function():
    rng = np.random.RandomState(1)
    r = xgrad.gradcheck(lambda a, b: xgrad.sum(xgrad.tanh(a @ b)), [rng.randn(2, 3), rng.randn(3, 2)])
    assert r.passed and len(r.inputs) == 2 and all(i.passed for i in r.inputs)
    assert "relative" in str(r) or "1e-07" in str(r) or len(str(r).splitlines()) >= 2
    assert r.inputs[0].relative_difference < 1e-7
    # a function whose gradient is cut (detach) cannot pass against finite differences
    bad = xgrad.gradcheck(lambda a: xgrad.sum(a * a.detach() * a), [rng.randn(3)])
    assert not bad.passed and bad.inputs[0].relative_difference > 1e-3


# ---- errors -----------------------------------------------------------------------------------

def test_shape_errors_are_value_errors_with_the_engines_message():
    W = xgrad.Tensor(np.ones((4, 3)), label="W[2]")
    A = xgrad.Tensor(np.ones((5, 10)), label="A[1]")
    with pytest.raises(xgrad.ShapeError) as e:
        W @ A
    assert isinstance(e.value, ValueError)
    assert str(e.value) == "matmul: inner dimensions differ: W[2] (4, 3) @ A[1] (5, 10): 3 != 5"
    with pytest.raises(ValueError, match="broadcast"):
        xgrad.Tensor(np.ones((2, 3))) + np.ones((4, 3))


def test_a_tensor_from_another_thread_is_a_graph_error_not_a_crash():
    out = {}

    def work():
        x = xgrad.Tensor(np.ones(3), requires_grad=True)
        out["x"], out["y"] = x, xgrad.sum(x * 2.0)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    with pytest.raises(xgrad.GraphError, match=r"recorded on thread \d+'s tape, and backward runs on thread"):
        out["y"].backward()
    z = out["x"] * 3.0  # using its tensors here records on this thread's tape
    xgrad.sum(z).backward()
    np.testing.assert_array_equal(out["x"].grad, 3 * np.ones(3))


def test_threads_train_side_by_side():
    results = {}

    def work(k):
        x = xgrad.Tensor(np.full((50, 50), float(k)), requires_grad=True)
        for _ in range(20):
            x.zero_grad()
            xgrad.sum(x @ x).backward()
        results[k] = x.grad.copy()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(1, 4):  # d/dx sum(x @ x) = 1 x^T + x^T 1 = 2 * 50 * k everywhere
        np.testing.assert_allclose(results[k], np.full((50, 50), 100.0 * k))


def test_the_gil_is_released_while_the_engine_trains():
    # One long C++ call (fit without callbacks) in a thread, which reads this thread's counter
    # just before and just after it: had the call held the GIL, the counter could not move.
    rng = np.random.RandomState(0)
    X, Y = rng.randn(200, 500), (rng.rand(1, 500) > 0.5).astype(float)
    model = xgrad.nn.Model([200, 100, 1], ["relu", "sigmoid"])
    opt = model.optimizer("gd", 0.01)
    counter, seen, done = [0], [], threading.Event()

    def train():
        seen.append(counter[0])
        xgrad.nn._nn.fit(model._m, opt, X, Y, 100)
        seen.append(counter[0])
        done.set()

    # a short switch interval: a GIL-holding call could let at most one 0.5 ms slice
    # (~10,000 iterations) slip in between its first read and the call itself
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        t = threading.Thread(target=train)
        t.start()
        while not done.is_set():
            counter[0] += 1
        t.join()
    finally:
        sys.setswitchinterval(interval)
    assert seen[1] - seen[0] > 100000, f"only {seen[1] - seen[0]} iterations ran beside fit"


def test_malformed_input_raises_pythons_own_errors():
    with pytest.raises(ValueError):  # numpy's: an inhomogeneous shape
        xgrad.Tensor([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match="axis must be None, an int or a tuple of ints"):
        xgrad.sum(np.ones((2, 2)), axis="a")
    with pytest.raises(TypeError, match="dtype object"):
        xgrad.Tensor(np.array([1, "a"], dtype=object))
