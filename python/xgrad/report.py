"""What xgrad shows in a notebook: the gradient check's report, the graph, step-through."""
import html

from . import _xgrad


# ---- the gradient check ----------------------------------------------------------------------

def _number(x):
    return "-" if x is None else f"{x:.2e}"


class CheckReport:
    """What xgrad.check found, layer L down to 1 (the order backward computes them).

    rows         one dict per tensor: layer, tensor ("dW2"), shape, verdict, passed,
                 supplied, hint, and "manual" / "numeric": relative difference, max_abs,
                 worst_index, ... of autodiff against the manual column and finite differences
    passed       every row and the whole-network checks passed
    first_wrong  the first of your (or the course's) tensors that disagrees with autodiff, or None
    str(report)  the table `xgrad check` prints; in Jupyter an HTML table (_repr_html_)
    """

    def __init__(self, data):
        self._data = data
        self.rows = data["rows"]
        self.passed = data["passed"]
        self.first_wrong = data["first_wrong"]
        self.failing = data["failing"]
        self.first_disagreement = data["first_disagreement"] or None
        self.network = data["network"]
        self.manual_label = data["manual_label"]
        self.not_supplied = data["not_supplied"]
        self.notes = data["notes"]
        self.network_autodiff = data["network_autodiff"]
        self.network_manual = data["network_manual"]

    def __bool__(self):
        return self.passed

    def __str__(self):
        return self._data["text"]

    def __repr__(self):
        state = "passed" if self.passed else f"first wrong: {self.first_wrong or self.first_disagreement}"
        return f"<CheckReport {self.network}: {len(self.rows)} rows, {state}>"

    def row(self, tensor):
        """The row of one tensor, e.g. report.row("dW2")."""
        for r in self.rows:
            if r["tensor"] == tensor:
                return r
        raise KeyError(f"{tensor}: not a tensor of this network "
                       f"({', '.join(r['tensor'] for r in self.rows)})")

    def _repr_html_(self):
        label = html.escape(self.manual_label)
        head = ("<tr><th>layer</th><th>tensor</th><th>shape</th>"
                f"<th>autodiff vs {label}</th><th>autodiff vs numeric</th>"
                "<th>verdict</th><th>hint</th></tr>")
        body = []
        for r in self.rows:
            colour = "#e6f4e6" if r["passed"] else "#fbe3e3"
            if not r["supplied"]:
                colour = "#f2f2f2"
            cells = [str(r["layer"]), f"<b>{html.escape(r['tensor'])}</b>",
                     html.escape(str(tuple(r["shape"]))),
                     ("not given" if not r["supplied"]
                      else "wrong shape" if r["manual"]["note"] == "yours transposed"
                      else _number(r["manual"]["relative"])),
                     _number(r["numeric"]["relative"]),
                     html.escape(r["verdict"]), html.escape(r["hint"])]
            body.append(f'<tr style="background:{colour}">' +
                        "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        if self.passed and self.not_supplied:
            summary = ("<b style='color:#1a7f1a'>every tensor checked agrees</b>; not checked "
                       "(not among yours): " + html.escape(" ".join(self.not_supplied)))
        elif self.passed:
            summary = "<b style='color:#1a7f1a'>every tensor agrees</b>"
        else:
            wrong = html.escape(self.first_wrong or self.first_disagreement or "the whole network")
            summary = f"<b style='color:#b00020'>first wrong: {wrong}</b>"
        network = [f"whole network (course's gradient_check_n): autodiff "
                   f"{_number(self.network_autodiff)}, {label} {_number(self.network_manual)}"]
        return (f"<div><p>{html.escape(self.network)}: gradients of layer L down to 1 "
                f"(relative difference ||a - b|| / (||a|| + ||b||), threshold "
                f"{self._data['threshold']:g})</p>"
                f"<table>{head}{''.join(body)}</table>"
                f"<p>{html.escape(network[0])}</p><p>{summary}</p></div>")


def check(parameters, X, Y, activations, grads=None, *, planted_bug=False, numeric=True,
          stencil="five-point", epsilon=None, threshold=1e-7, max_numeric_entries=None):
    """The per-layer gradient check of the course's network given by `parameters`
    ({"W1": ..., "b1": ..., ...}) on X (n_x, m) and Y (n_L, m).

    With grads (your L_model_backward's dictionary: dW1, db1, ... and any of dZ1, dA0, ...,
    dZ and dA per example as the course has them) the manual column is yours and
    report.first_wrong names the first of them that is wrong. Without, the course's own
    formulas are the manual column, as `xgrad check` does (planted_bug=True corrupts them as
    the course's exercise does: dW2 * 2, db1 * 4). Returns a CheckReport.
    """
    return CheckReport(_xgrad.nn.check(parameters, X, Y, activations, grads, planted_bug,
                                       numeric, stencil, epsilon, threshold,
                                       max_numeric_entries))


# ---- graphs ----------------------------------------------------------------------------------

class GraphView:
    """A snapshot of a computation graph; in Jupyter it shows as a picture (Graphviz).

    to_text(), to_dot(), to_json(); to_svg() draws with Graphviz's dot; .nodes is the JSON's
    tensor nodes. Backward frees the graph as it goes: to see gradients on every node, call
    loss.backward(retain_graph=True, retain_grads=True) before xgrad.inspect(loss).
    """

    def __init__(self, graph):
        self._graph = graph

    def to_text(self, batch_size=None):
        return self._graph.to_text(batch_size)

    def to_dot(self, values=False, rankdir="TB", title=""):
        return self._graph.to_dot(values, rankdir, title)

    def to_json(self, values=True):
        return self._graph.to_json(values)

    def to_svg(self, values=False, rankdir="TB", title=""):
        return self._graph.to_svg(values, rankdir, title)

    @property
    def nodes(self):
        import json
        return [n for n in json.loads(self.to_json())["nodes"] if n["kind"] == "tensor"]

    @property
    def op_count(self):
        return self._graph.op_count

    @property
    def warnings(self):
        return self._graph.warnings

    def __len__(self):
        return len(self._graph)

    def __str__(self):
        return self.to_text()

    def __repr__(self):
        return f"<GraphView: {len(self)} tensors, {self.op_count} ops>"

    def _repr_svg_(self):
        if not _xgrad.graphviz_available():
            return None  # Jupyter then shows the text
        return self.to_svg()

    def _repr_pretty_(self, p, cycle):
        p.text(self.to_text())


def inspect(outputs, batch_size=0):
    """The graph behind `outputs` (a tensor, usually the loss, or a list of them).
    batch_size: write that last-axis extent as m, as the course writes (4, m)."""
    return GraphView(_xgrad._inspect(outputs, batch_size))


class StepThrough:
    """Backward one op at a time: for step in xgrad.step_through(loss): print(step).

    Each step runs one op's backward rule; .text() says what it did (the gradient arriving,
    the rule, what each input received), .frame() is the graph with that step drawn (DOT), and
    in Jupyter the object shows the current frame. At the end the leaves hold the same .grad
    as after loss.backward().
    """

    def __init__(self, output, batch_size=0, retain_graph=False):
        self._walk = _xgrad.StepThrough(output, retain_graph)
        self._batch_size = batch_size

    def step(self):
        """Runs the next op's rule; False once backward is done."""
        return self._walk.step()

    def text(self):
        return self._walk.text(self._batch_size)

    def frame(self):
        return self._walk.frame(self._batch_size)

    @property
    def op(self):
        return self._walk.op

    @property
    def steps_taken(self):
        return self._walk.steps_taken

    def __iter__(self):
        while self._walk.step():
            yield self._walk.text(self._batch_size)

    def _repr_svg_(self):
        if self.steps_taken == 0 or not _xgrad.graphviz_available():
            return None
        return _xgrad.render_svg(self.frame())


def step_through(output, batch_size=0, retain_graph=False):
    """Backward from `output` (float64) one op's rule at a time; see StepThrough."""
    return StepThrough(output, batch_size, retain_graph)
