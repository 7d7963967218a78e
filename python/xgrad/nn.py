"""The course's L-layer network on xgrad's engine (float64), its optimisers and fit.

    model = xgrad.nn.Model([12288, 20, 7, 5, 1], ["relu", "relu", "relu", "sigmoid"],
                           init="xavier", seed=1)
    history = model.fit(X, Y, optimizer="gd", learning_rate=0.0075, epochs=2500)
    model.predict(X_test)

Model.from_parameters(parameters, activations) takes the course's own dictionary
{"W1": ndarray, "b1": ..., ...}; model.parameters() gives it back (copies).
"""
import sys
import time

from . import _xgrad

_nn = _xgrad.nn

GradientDescent = _nn.GradientDescent
Momentum = _nn.Momentum
Adam = _nn.Adam
Optimizer = _nn.Optimizer


class Model:
    """layer_dims = [n_x, n_1, ..., n_L], one activation per layer ("relu", "leaky_relu",
    "sigmoid", "tanh", "softmax"; a list or "relu,relu,sigmoid"). init: "he", "xavier",
    "small" (randn * 0.01), "zeros" or "large"; generator="numpy" draws the course's very
    numbers (np.random.seed(seed) then randn layer after layer)."""

    def __init__(self, layer_dims, activations, init="he", seed=1, generator="standard"):
        self._m = _nn.Model(list(layer_dims), activations, init, seed, generator)

    @classmethod
    def from_parameters(cls, parameters, activations):
        """A model holding copies of the course's parameters dictionary."""
        model = cls.__new__(cls)
        model._m = _nn.Model.from_parameters(dict(parameters), activations)
        return model

    # ---- what it is ----
    @property
    def L(self):
        return self._m.L

    @property
    def layer_dims(self):
        return self._m.layer_dims

    @property
    def activations(self):
        return self._m.activations

    def summary(self):
        return self._m.summary()

    def __repr__(self):
        return f"Model({self._m.summary()})"

    def parameters(self):
        """{"W1": ndarray, "b1": ..., ...}: copies of the parameters, the course's dictionary."""
        return self._m.parameters()

    def tensors(self):
        """{"W1": Tensor, ...}: the model's own parameter tensors (their .grad after backward)."""
        return self._m.tensors()

    def load_parameters(self, parameters):
        self._m.load_parameters(dict(parameters))

    def parameter_count(self):
        return self._m.parameter_count()

    def zero_grad(self):
        self._m.zero_grad()

    # ---- passes ----
    def forward(self, X):
        """A[L] as a Tensor (probabilities for a sigmoid or softmax output). X is (n_x, m)."""
        return self._m.forward(X)

    def logits(self, X):
        """Z[L] as a Tensor."""
        return self._m.logits(X)

    def loss(self, X, Y):
        """The training cost J (a Tensor: J.backward() fills the parameters' .grad)."""
        return self._m.loss(X, Y)

    def predict(self, X):
        """0/1 decisions for a sigmoid output, class ids (1, m) for softmax (numpy)."""
        return self._m.predict(X)

    def predict_proba(self, X):
        return self._m.predict_proba(X)

    def evaluate(self, X, Y):
        """{"loss": ..., "accuracy": ...} without recording anything."""
        return self._m.evaluate(X, Y)

    # ---- training ----
    def optimizer(self, name="gd", learning_rate=0.01, **hyper):
        """"gd", "momentum" or "adam" on this model's parameters."""
        kinds = {"gd": GradientDescent, "sgd": GradientDescent, "momentum": Momentum,
                 "adam": Adam}
        if name not in kinds:
            raise ValueError(f"optimizer '{name}': one of gd, momentum, adam")
        return kinds[name](self._m, learning_rate, **hyper)

    def fit(self, X, Y, optimizer="gd", learning_rate=0.01, epochs=1, batch_size=0,
            shuffle=True, seed=0, generator="standard", lambd=0.0, progress=True,
            print_every=None, file=None):
        """Trains and returns the epochs' figures [{"epoch", "loss", "accuracy", ...}, ...].

        optimizer: a name ("gd", "momentum", "adam") or an optimiser made with
        model.optimizer(...) (keep it to go on training with its state). batch_size 0: the
        course's batch gradient descent. progress: a bar redrawn in place in a terminal, and
        in a notebook or log (no tty) one plain line every `print_every` epochs (default: ten
        lines in all), so the output stays short and readable.
        """
        if isinstance(optimizer, str):
            optimizer = self.optimizer(optimizer, learning_rate)
        bar = _Progress(epochs, file or sys.stdout, print_every) if progress else None
        return _nn.fit(self._m, optimizer, X, Y, epochs, batch_size, shuffle, seed, generator,
                       lambd, bar.on_batch if bar else None, bar.on_epoch if bar else None)


class _Progress:
    """The progress of fit: \\r-redrawn in a terminal, plain lines elsewhere (Jupyter)."""

    width = 30

    def __init__(self, epochs, out, print_every):
        self.epochs = epochs
        self.out = out
        self.tty = hasattr(out, "isatty") and out.isatty()
        self.every = print_every or max(1, epochs // 10)
        self.start = time.monotonic()
        self.last_draw = 0.0

    def on_batch(self, epoch, epochs, batch, batches, loss, seconds):
        if not self.tty:
            return
        now = time.monotonic()
        if now - self.last_draw < 0.1 and batch < batches:
            return
        self.last_draw = now
        done = (epoch - 1 + batch / batches) / epochs
        filled = int(self.width * done)
        self.out.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] epoch {epoch}/{epochs}"
                       f" batch {batch}/{batches} loss {loss:.6f}")
        self.out.flush()

    def on_epoch(self, stats):
        e = stats["epoch"]
        last = e == self.epochs
        if self.tty:
            if last:
                self.out.write(f"\r{' ' * (self.width + 60)}\r")
                self.out.write(self._line(stats) + "\n")
                self.out.flush()
            return
        if e % self.every == 0 or e == 1 or last:
            self.out.write(self._line(stats) + "\n")
            self.out.flush()

    def _line(self, stats):
        elapsed = time.monotonic() - self.start
        return (f"epoch {stats['epoch']:>{len(str(self.epochs))}}/{self.epochs}  "
                f"loss {stats['loss']:.6f}  accuracy {stats['accuracy']:.4f}  "
                f"({elapsed:.1f} s)")
