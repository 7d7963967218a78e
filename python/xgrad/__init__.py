"""xgrad from Python: the C++ autodiff engine on numpy arrays.

    import numpy as np, xgrad
    W = xgrad.Tensor(np.random.randn(4, 3), requires_grad=True, label="W[1]")
    X = np.random.randn(3, 10)
    J = xgrad.sum(xgrad.relu(W @ X)) / 10
    J.backward()
    W.grad                      # a read-only numpy view of dJ/dW

Tensors are float64 (or float32); every op of the engine's op table is a function here
(xgrad.op_table() lists them). xgrad.nn is the course's L-layer network, xgrad.check the
per-layer gradient check against your own numpy backprop, xgrad.inspect the graph.
"""
from . import _xgrad
from ._xgrad import (  # noqa: F401  (the public API)
    Tensor, Error, ShapeError, DataError, GraphError, AnomalyError, FileError, GraphvizError,
    DivergenceError,
    grad, no_grad, detect_anomaly, grad_enabled, gradcheck, op_table, RandomState,
    add, sub, mul, div, neg, add_scalar, mul_scalar, pow, exp, log, sqrt, abs,
    tanh, sigmoid, relu, softplus, leaky_relu, clip, maximum, minimum,
    sum, mean, sum_to, broadcast_to, transpose, reshape, matmul, linear,
    softmax, log_softmax, binary_cross_entropy_with_logits,
    sigmoid_grad, tanh_grad, relu_grad, leaky_relu_grad,
)
from .report import CheckReport, GraphView, StepThrough, check, inspect, step_through  # noqa: F401
from . import nn  # noqa: F401

__all__ = [name for name in dir() if not name.startswith("_")]

# numpy must not turn `ndarray + Tensor` into an array of its own: it defers to Tensor's
# reflected operators instead.
Tensor.__array_ufunc__ = None
Tensor.__array_priority__ = 1000


def _method(function):
    def method(self, *args, **kwargs):
        return function(self, *args, **kwargs)
    method.__name__ = function.__name__
    method.__doc__ = function.__doc__
    return method


# The functions of one tensor as methods too: x.relu(), x.sum(axis=1, keepdims=True), ...
for _name in ("exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "softplus", "leaky_relu",
              "clip", "sum", "mean", "transpose", "sum_to", "broadcast_to",
              "softmax", "log_softmax", "matmul"):
    setattr(Tensor, _name, _method(globals()[_name]))


def _reshape(self, *shape):
    """x.reshape(2, 3) or x.reshape((2, 3)); one extent may be -1."""
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = shape[0]
    return reshape(self, shape)


Tensor.reshape = _reshape
Tensor.T = property(lambda self: transpose(self), doc="The transpose (axes reversed).")
del _name
