#!/usr/bin/python3
"""numpy's and sklearn's own numbers for tests/test_random.cpp and tests/test_course_numpy.cpp.

    /usr/bin/python3 tests/python/make_random_fixtures.py --write tests/python/random_fixtures.json
    /usr/bin/python3 tests/python/make_random_fixtures.py --check tests/python/random_fixtures.json

--write runs numpy's legacy RandomState (np.random.seed), the course's initialisers and
random_mini_batches, and the course's data sets (load_planar_dataset, and sklearn's make_circles
and make_moons as init_utils.load_dataset and opt_utils.load_dataset call them) and writes what
they return. Floats are written with repr, which reads back to the same double, so the C++ tests
can ask for bitwise equality.

--check regenerates them and compares with the committed file: random draws and initial weights
bitwise, data sets (np.sin, np.cos: numpy may use its own SIMD versions, a few ulps from libm's)
to 1e-12. Exit 0 when they agree, 1 when not; 77 (CTest's skip) when numpy or sklearn is missing
and XGRAD_ALLOW_NO_NUMPY is set, 1 when it is missing and the variable is not set.
"""

import json
import math
import re
import os
import sys

try:
    import numpy as np
    import sklearn
    import sklearn.datasets
except ImportError as error:  # Debian: apt-get install python3-numpy python3-sklearn
    print(f"make_random_fixtures.py: {error} (Debian's python3-numpy and python3-sklearn)")
    sys.exit(77 if os.environ.get("XGRAD_ALLOW_NO_NUMPY") else 1)

SEEDS = [0, 1, 2, 3, 42, 2**32 - 1]


def flat(array):
    a = np.asarray(array)
    return {"shape": list(a.shape), "values": [v.item() for v in a.reshape(-1)]}


def stream(seed):
    """One seed's interleaved calls; each step records what numpy returned."""
    rs = np.random.RandomState(seed)
    steps = []

    def step(op, result, **args):
        steps.append({"op": op, **args, **flat(result)})

    step("rand", rs.rand(5), size=[5])
    step("randn", rs.randn(3, 5), size=[3, 5])  # 15 normals: the 16th stays kept
    step("rand", rs.rand(2), size=[2])  # uniforms leave the kept normal alone
    step("randn", rs.randn(1), size=[1])  # ... which comes out now
    step("standard_normal", rs.standard_normal(), size=None)  # a scalar draw
    step("randn", rs.randn(2, 1, 3), size=[2, 1, 3])
    step("randint", rs.randint(0, 10, size=8), low=0, high=10, size=[8])
    step("randint", rs.randint(7, 8, size=3), low=7, high=8, size=[3])  # no draw at all
    step("randint", rs.randint(-5, 2**40, size=6), low=-5, high=2**40, size=[6])  # 64-bit words
    step("randint", rs.randint(0, 2**32, size=4), low=0, high=2**32, size=[4])  # one word each
    step("randint", rs.randint(0, 2**32 + 1, size=4), low=0, high=2**32 + 1, size=[4])
    step("randint", rs.randint(-2**63, 2**63 - 1, size=3), low=-2**63, high=2**63 - 1, size=[3])
    step("randint", rs.randint(3, 1000), low=3, high=1000, size=None)
    step("permutation", rs.permutation(10), n=10)
    step("permutation", rs.permutation(1), n=1)
    step("permutation", rs.permutation(300), n=300)
    rows = np.arange(12, dtype=np.float64).reshape(4, 3)
    rs.shuffle(rows)  # along the first axis: whole rows move
    step("shuffle", rows, size=[4, 3])
    line = np.arange(7, dtype=np.float64)
    rs.shuffle(line)
    step("shuffle", line, size=[7])
    step("uniform", rs.uniform(-2.0, 3.0, size=5), low=-2.0, high=3.0, size=[5])
    step("normal", rs.normal(1.5, 0.25, size=(3,)), loc=1.5, scale=0.25, size=[3])
    step("randn", rs.randn(3), size=[3])  # odd: a normal is kept ...
    rs.seed(seed)  # ... and np.random.seed forgets it
    step("seed", np.zeros(0), seed=seed)
    step("randn", rs.randn(4), size=[4])
    return {"seed": seed, "steps": steps}


# ---- The course's code, as the notebooks have it -----------------------------------------------


def initialize_parameters_deep(layer_dims):  # course 1 week 4, step by step
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def initialize_parameters(n_x, n_h, n_y):  # course 1 week 3, planar
    np.random.seed(2)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep_app(layer_dims):  # course 1 week 4, dnn_app_utils_v3
    np.random.seed(1)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(
            layer_dims[l - 1])
        parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def initialize_parameters_he(layers_dims):  # course 2, initialization
    np.random.seed(3)
    parameters = {}
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        parameters['W' + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(
            2. / layers_dims[l - 1])
        parameters['b' + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):  # course 2, optimization
    np.random.seed(seed)
    m = X.shape[1]
    mini_batches = []
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batch_Y = shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:m]
        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:m]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    return mini_batches


def load_planar_dataset():  # course 1 week 3, planar_utils
    np.random.seed(1)
    m = 400
    N = int(m / 2)
    D = 2
    X = np.zeros((m, D))
    Y = np.zeros((m, 1), dtype='uint8')
    a = 4
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    X = X.T
    Y = Y.T
    return X, Y


def load_dataset_circles():  # course 2, init_utils.load_dataset
    np.random.seed(1)
    train_X, train_Y = sklearn.datasets.make_circles(n_samples=300, noise=.05)
    np.random.seed(2)
    test_X, test_Y = sklearn.datasets.make_circles(n_samples=100, noise=.05)
    train_X = train_X.T
    train_Y = train_Y.reshape((1, train_Y.shape[0]))
    test_X = test_X.T
    test_Y = test_Y.reshape((1, test_Y.shape[0]))
    return train_X, train_Y, test_X, test_Y


def load_dataset_moons():  # course 2, opt_utils.load_dataset
    np.random.seed(3)
    train_X, train_Y = sklearn.datasets.make_moons(n_samples=300, noise=.2)
    train_X = train_X.T
    train_Y = train_Y.reshape((1, train_Y.shape[0]))
    return train_X, train_Y


def parameters_json(parameters):
    return {key: flat(value) for key, value in parameters.items()}


def course():
    # X(i, j) = 1000 i + j: every column says which example it is.
    X = np.array([[1000.0 * i + j for j in range(148)] for i in range(3)])
    Y = (np.arange(148) % 2).astype(np.float64).reshape(1, 148)
    batches = {}
    for seed in (0, 11):
        batches[str(seed)] = [{"X": flat(bx), "Y": flat(by)}
                              for bx, by in random_mini_batches(X, Y, 64, seed)]
    planar_X, planar_Y = load_planar_dataset()
    circles = load_dataset_circles()
    moons = load_dataset_moons()
    # The same with the C library's sin and cos, which numpy replaces by its own SIMD code on
    # some machines (a few ulps apart): then everything else must agree bit for bit.
    np_sin, np_cos = np.sin, np.cos
    np.sin = lambda x: np.array([math.sin(v) for v in np.asarray(x, dtype=np.float64)])
    np.cos = lambda x: np.array([math.cos(v) for v in np.asarray(x, dtype=np.float64)])
    try:
        libm = {"load_planar_dataset()": flat(load_planar_dataset()[0]),
                "init_utils.load_dataset() train": flat(load_dataset_circles()[0]),
                "init_utils.load_dataset() test": flat(load_dataset_circles()[2]),
                "opt_utils.load_dataset()": flat(load_dataset_moons()[0])}
    finally:
        np.sin, np.cos = np_sin, np_cos
    return {
        "initialize_parameters_deep([5, 4, 3])": parameters_json(initialize_parameters_deep([5, 4, 3])),
        "initialize_parameters(2, 4, 1)": parameters_json(initialize_parameters(2, 4, 1)),
        "dnn_app initialize_parameters_deep([10, 5, 3, 1])":
            parameters_json(initialize_parameters_deep_app([10, 5, 3, 1])),
        "initialize_parameters_he([2, 4, 1])": parameters_json(initialize_parameters_he([2, 4, 1])),
        "initialize_parameters_he([3, 10, 5, 1])":
            parameters_json(initialize_parameters_he([3, 10, 5, 1])),
        "random_mini_batches(X (3, 148), Y, 64, seed)": batches,
        "load_planar_dataset()": {"X": flat(planar_X), "Y": flat(planar_Y)},
        "init_utils.load_dataset()": {"train_X": flat(circles[0]), "train_Y": flat(circles[1]),
                                      "test_X": flat(circles[2]), "test_Y": flat(circles[3])},
        "opt_utils.load_dataset()": {"train_X": flat(moons[0]), "train_Y": flat(moons[1])},
        "X with libm's sin and cos": libm,
    }


def generate():
    return {
        "made_by": f"tests/python/make_random_fixtures.py with numpy {np.__version__}, "
                   f"scikit-learn {sklearn.__version__}",
        "streams": [stream(seed) for seed in SEEDS],
        "course": course(),
    }


def compare(old, new, path, tolerance, problems):
    """Walks both trees; floats under the data sets' keys may differ by `tolerance`."""
    if isinstance(old, dict) and isinstance(new, dict):
        if old.keys() != new.keys():
            problems.append(f"{path}: keys {sorted(old)} != {sorted(new)}")
            return
        for key in old:
            tol = 1e-12 if key.startswith(("load_planar", "init_utils", "opt_utils")) else tolerance
            compare(old[key], new[key], f"{path}/{key}", tol, problems)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            problems.append(f"{path}: {len(old)} entries != {len(new)}")
            return
        for i, (a, b) in enumerate(zip(old, new)):
            compare(a, b, f"{path}[{i}]", tolerance, problems)
            if len(problems) > 20:
                return
    elif isinstance(old, float) and isinstance(new, float) and tolerance > 0:
        if not abs(old - new) <= tolerance:
            problems.append(f"{path}: {old!r} != {new!r} (tolerance {tolerance})")
    elif old != new or type(old) != type(new):
        problems.append(f"{path}: {old!r} != {new!r}")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("--write", "--check"):
        print(__doc__)
        return 2
    data = generate()
    if sys.argv[1] == "--write":
        text = json.dumps(data, indent=1)
        # Lists of numbers on one line each: one step or one array to a line in a diff.
        text = re.sub(r"\[(\n[-+0-9eE.,\s]*)\]", lambda m: "[" + re.sub(r"\s+", "", m[1]) + "]", text)
        with open(sys.argv[2], "w") as out:
            out.write(text + "\n")
        return 0
    with open(sys.argv[2]) as committed:
        old = json.load(committed)
    problems = []
    old.pop("made_by", None)
    made_by = data.pop("made_by")
    compare(old, data, "", 0.0, problems)
    if problems:
        print(f"{sys.argv[2]} differs from what {made_by} gives now:")
        for p in problems[:20]:
            print("  " + p)
        return 1
    print(f"{sys.argv[2]} agrees with {made_by}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
