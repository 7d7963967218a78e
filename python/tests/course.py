"""The course's week-4 numpy backprop (course 1, week 4, "Building your deep neural network:
step by step"), as a learner writes it, for the tests to check with xgrad.check. `bug` plants
one mistake a learner makes: "dW2_no_m" forgets the 1/m of layer 2's dW, "relu_mask" forgets
relu's mask (dZ = dA), "db_axis0" sums db over the wrong axis."""
import numpy as np


def initialize_parameters_deep(layer_dims, seed=1):
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(
            layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A_prev = A
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = W @ A_prev + b
        A = 1 / (1 + np.exp(-Z)) if l == L else np.maximum(0, Z)
        caches.append(((A_prev, W, b), Z))
    return A, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def L_model_backward(AL, Y, caches, bug=None):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA = dAL
    for l in reversed(range(1, L + 1)):
        (A_prev, W, b), Z = caches[l - 1]
        if l == L:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = np.array(dA, copy=True)
            if bug != "relu_mask":
                dZ[Z <= 0] = 0
        dW = 1 / m * np.dot(dZ, A_prev.T)
        if bug == "dW2_no_m" and l == 2:
            dW = np.dot(dZ, A_prev.T)
        db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
        if bug == "db_axis0":
            db = 1 / m * np.sum(dZ, axis=0, keepdims=True).T[: dZ.shape[0]]
        dA_prev = np.dot(W.T, dZ)
        grads["dA" + str(l - 1)] = dA_prev
        grads["dW" + str(l)] = dW
        grads["db" + str(l)] = db
        dA = dA_prev
    return grads


def problem(layer_dims=(5, 4, 3, 1), m=7, seed=3):
    """Parameters, X, Y of a small relu ... sigmoid network, away from relu's kink."""
    rng = np.random.RandomState(seed)
    parameters = initialize_parameters_deep(list(layer_dims), seed=seed)
    X = rng.randn(layer_dims[0], m)
    Y = (rng.rand(layer_dims[-1], m) > 0.5).astype(np.float64)
    activations = ["relu"] * (len(layer_dims) - 2) + ["sigmoid"]
    return parameters, X, Y, activations
