#!/usr/bin/python3
"""A learner's backprop, as the course has them write it (Deep Learning Specialization, course 1,
week 4, "Building your deep neural network: step by step"), for `xgrad check --grads`.

It builds a small relu, relu, sigmoid network, runs the course's L_model_forward and
L_model_backward in numpy and saves, as .npy files named like the course's dictionaries:
  OUT/params/W1.npy, b1.npy, ...   the parameters
  OUT/X.npy, OUT/Y.npy             the inputs (n_x, m) and labels (1, m)
  OUT/grads/dA0.npy, dW1.npy, ...  the grads dictionary L_model_backward returns
                                   (with --dZ also dZ1.npy, ...: the course does not keep them)
Then:
  xgrad check --params OUT/params --X OUT/X.npy --Y OUT/Y.npy \\
              --activations relu,relu,sigmoid --grads OUT/grads

--plant KEY=FACTOR multiplies one of the saved gradients (e.g. dW2=1.01), a bug for the check to
find. Run with Debian's /usr/bin/python3 (python3-numpy).
"""
import argparse
import os

import numpy as np


# ---- the course's functions, as the notebook has them written ------------------------------

def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z):
    A = np.maximum(0, Z)
    return A, Z


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)],
                                             parameters['b' + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)],
                                          parameters['b' + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


def linear_activation_backward(dA, cache, activation, dZs=None):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    if dZs is not None:  # not in the course: kept here so the check can compare dZ too
        dZs.append(dZ)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches, dZs=None):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev_temp, dW_temp, db_temp = linear_activation_backward(dAL, current_cache, "sigmoid", dZs)
    grads["dA" + str(L - 1)] = dA_prev_temp
    grads["dW" + str(L)] = dW_temp
    grads["db" + str(L)] = db_temp
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu", dZs)
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


# ---- the problem: seeded parameters and data, away from relu's kink -------------------------

def make_problem(layer_dims, m, seed):
    """Parameters as the course's deep initialisation (randn / sqrt(n_prev)), small random b so
    every term of the gradient shows, and X, Y; redrawn until no hidden Z is within 0.01 of 0,
    where finite differences across relu's kink would measure nothing."""
    for attempt in range(100):
        np.random.seed(seed + attempt)
        parameters = {}
        for l in range(1, len(layer_dims)):
            parameters['W' + str(l)] = (np.random.randn(layer_dims[l], layer_dims[l - 1])
                                        / np.sqrt(layer_dims[l - 1]))
            parameters['b' + str(l)] = np.random.randn(layer_dims[l], 1) * 0.1
        X = np.random.randn(layer_dims[0], m)
        Y = (np.random.rand(1, m) > 0.5).astype(np.float64)
        _, caches = L_model_forward(X, parameters)
        hidden_Z = [activation_cache for (_, activation_cache) in caches[:-1]]
        if min(np.min(np.abs(Z)) for Z in hidden_Z) > 1e-2:
            return parameters, X, Y
    raise RuntimeError("no draw kept away from relu's kink")


def save_dir(directory, arrays):
    os.makedirs(directory, exist_ok=True)
    for name, value in arrays.items():
        np.save(os.path.join(directory, name + ".npy"), value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="directory to write params/, X.npy, Y.npy and grads/ to")
    parser.add_argument("--plant", default="", metavar="KEY=FACTOR",
                        help="multiply one saved gradient by FACTOR, e.g. dW2=1.01")
    parser.add_argument("--dZ", action="store_true", help="also save dZ1.npy, ...")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    layer_dims = [4, 5, 3, 1]  # relu, relu, sigmoid
    parameters, X, Y = make_problem(layer_dims, m=8, seed=args.seed)
    AL, caches = L_model_forward(X, parameters)
    dZs = []
    grads = L_model_backward(AL, Y, caches, dZs)
    if args.dZ:
        L = len(caches)
        for k, dZ in enumerate(dZs):  # backward order: dZ[L], dZ[L-1], ...
            grads["dZ" + str(L - k)] = dZ
    if args.plant:
        key, factor = args.plant.split("=")
        grads[key] = grads[key] * float(factor)

    save_dir(os.path.join(args.out, "params"), parameters)
    np.save(os.path.join(args.out, "X.npy"), X)
    np.save(os.path.join(args.out, "Y.npy"), Y)
    save_dir(os.path.join(args.out, "grads"), grads)
    print("cost", compute_cost(AL, Y), "; wrote", " ".join(sorted(grads)),
          "to", os.path.join(args.out, "grads"))


if __name__ == "__main__":
    main()
