"""xgrad.check: a learner's numpy L_model_backward against autodiff, with bugs planted."""
import os
import subprocess

import numpy as np
import pytest

import xgrad
import course


def learner_grads(parameters, X, Y, bug=None):
    AL, caches = course.L_model_forward(X, parameters)
    return course.L_model_backward(AL, Y, caches, bug=bug)


def test_a_correct_backprop_passes():
    parameters, X, Y, activations = course.problem()
    report = xgrad.check(parameters, X, Y, activations, grads=learner_grads(parameters, X, Y))
    assert report.passed and bool(report) and report.first_wrong is None
    assert [r["tensor"] for r in report.rows[:4]] == ["dZ3", "dW3", "db3", "dA2"]
    supplied = [r for r in report.rows if r["supplied"]]
    assert {r["tensor"] for r in supplied} == {"dW1", "db1", "dW2", "db2", "dW3", "db3",
                                               "dA0", "dA1", "dA2"}
    assert all(r["manual"]["relative"] < 1e-7 for r in supplied)


@pytest.mark.parametrize("bug, first", [("dW2_no_m", "dW2"), ("relu_mask", "dW2")])
def test_a_planted_bug_is_found_and_named(bug, first):
    parameters, X, Y, activations = course.problem()
    report = xgrad.check(parameters, X, Y, activations,
                         grads=learner_grads(parameters, X, Y, bug=bug))
    assert not report.passed and report.first_wrong == first
    row = report.row(first)
    assert not row["passed"] and row["manual"]["relative"] > 1e-3
    # the rows before it, in backward order, are right
    before = report.rows[:report.rows.index(row)]
    assert all(r["passed"] for r in before)
    html = report._repr_html_()
    assert "<table" in html and f"first wrong: {first}" in html
    assert first in str(report)


def test_a_transposed_dW_shows_wrong_shape_not_zero_differences():
    parameters, X, Y, activations = course.problem()
    grads = learner_grads(parameters, X, Y)
    grads["dW2"] = grads["dW2"].T.copy()
    report = xgrad.check(parameters, X, Y, activations, grads=grads)
    assert report.first_wrong == "dW2"
    assert "the transpose of dW2's" in report.row("dW2")["hint"]
    dW2_line = [line for line in str(report).splitlines() if line.split()[:2] == ["2", "dW2"]]
    assert dW2_line and "wrong shape" in dW2_line[0]
    # no "worst entry": turned back, every entry agrees, and yours' index would not fit dW2
    assert "worst entry" not in str(report)
    assert "wrong shape" in report._repr_html_()


def test_the_missing_1_over_m_is_hinted():
    parameters, X, Y, activations = course.problem()
    report = xgrad.check(parameters, X, Y, activations,
                         grads=learner_grads(parameters, X, Y, bug="dW2_no_m"))
    assert "7" in report.row("dW2")["hint"]  # yours = m x autodiff's, m = 7


def test_without_grads_it_checks_the_courses_formulas():
    parameters, X, Y, activations = course.problem()
    assert xgrad.check(parameters, X, Y, activations).passed
    planted = xgrad.check(parameters, X, Y, activations, planted_bug=True)
    assert not planted.passed and set(planted.failing) >= {"dW2", "db1"}
    assert planted.first_wrong == "dW2"


def test_bad_inputs_are_named():
    parameters, X, Y, activations = course.problem()
    grads = learner_grads(parameters, X, Y)
    with pytest.raises(TypeError, match="dW1.*int64"):
        xgrad.check(parameters, X, Y, activations, grads={**grads, "dW1": np.ones((4, 5), int)})
    with pytest.raises(ValueError, match="db1"):
        xgrad.check(parameters, X, Y, activations, grads={**grads, "db1": np.ones((4, 2))})
    with pytest.raises(xgrad.DataError, match="Y"):
        xgrad.check(parameters, X, Y * 2, activations, grads=grads)
    bad = X.copy()
    bad[1, 2] = np.nan
    with pytest.raises(xgrad.DataError, match=r"X\[1, 2\]"):
        xgrad.check(parameters, bad, Y, activations)
    with pytest.raises(TypeError, match="None"):
        xgrad.check(parameters, None, Y, activations)


def test_a_gradient_key_that_is_none_of_the_networks_is_refused_not_skipped():
    parameters, X, Y, activations = course.problem()  # 3 layers
    grads = learner_grads(parameters, X, Y)
    # A typo: without the error, dW1 would go unchecked and the check would pass.
    typo = {("dw1" if k == "dW1" else k): v for k, v in grads.items()}
    with pytest.raises(ValueError, match=r'grads\["dw1"\].*did you mean "dW1"'):
        xgrad.check(parameters, X, Y, activations, grads=typo)
    with pytest.raises(ValueError, match=r'grads\["dW4"\] is not a gradient of this 3-layer'):
        xgrad.check(parameters, X, Y, activations, grads={**grads, "dW4": grads["dW3"]})
    # The output's dA and keys of other shapes (caches) are let through, as the course keeps them.
    report = xgrad.check(parameters, X, Y, activations,
                         grads={**grads, "dA3": np.zeros_like(Y), "caches": 1})
    assert report.passed
    with pytest.raises(TypeError, match="grads is a list, not a dict"):
        xgrad.check(parameters, X, Y, activations, grads=list(grads.items()))
    import types  # a read-only mapping is a dictionary too
    assert xgrad.check(parameters, X, Y, activations, grads=types.MappingProxyType(grads)).passed


def test_a_gradient_left_out_is_said_to_be_unchecked_not_agreeing():
    parameters, X, Y, activations = course.problem()
    grads = learner_grads(parameters, X, Y)
    del grads["dW1"]
    report = xgrad.check(parameters, X, Y, activations, grads=grads)
    assert report.passed and "dW1" in report.not_supplied
    text = str(report)
    assert "every tensor agrees" not in text
    assert "every tensor checked agrees; 4 not checked (below)" in text  # dW1 and the dZs
    assert "every tensor checked agrees" in report._repr_html_()


def test_a_transposed_X_is_named_with_the_shape_meant():
    parameters, X, Y, activations = course.problem()
    with pytest.raises(xgrad.DataError,
                       match=r"X has shape \(%d, %d\) but the network takes \(n_x, m\) = \(%d, m\)"
                       % (X.shape[1], X.shape[0], X.shape[0])):
        xgrad.check(parameters, X.T.copy(), Y, activations)


def test_parameters_and_activations_that_do_not_match_say_so():
    parameters, X, Y, activations = course.problem()
    with pytest.raises(ValueError, match=r"no b2 among the parameters \(W1, W2, W3, b1, b3\)"):
        xgrad.check({k: v for k, v in parameters.items() if k != "b2"}, X, Y, activations)
    with pytest.raises(ValueError, match=r"6 parameters .* but 1 activation, one a layer: 1 layer"):
        xgrad.check(parameters, X, Y, activations[-1:])
    with pytest.raises(ValueError, match="no activations"):  # it read past an empty list
        xgrad.check({}, X, Y, [])
    with pytest.raises(ValueError, match="no activations"):
        xgrad.check(parameters, X, Y, [])


def _cli():
    path = os.environ.get("XGRAD_CLI")
    if not path:
        pytest.skip("XGRAD_CLI not set (ctest sets it to the built xgrad program)")
    assert os.path.exists(path), f"XGRAD_CLI={path} does not exist: build xgrad_cli"
    return path


def _save(dir, arrays):
    os.makedirs(dir, exist_ok=True)
    for key, value in arrays.items():
        np.save(os.path.join(dir, key + ".npy"), value)


def _table(stdout):
    """The command's table, without its "yours: read ..." lines and the blank after them."""
    lines = stdout.splitlines()
    while lines and (lines[0].startswith("yours:") or not lines[0].strip()):
        lines.pop(0)
    return [l for l in lines if not l.startswith("wrote")]


@pytest.mark.parametrize("bug", [None, "dW2_no_m"])
def test_the_report_prints_the_command_lines_table(tmp_path, bug):
    cli = _cli()
    parameters, X, Y, activations = course.problem()
    grads = learner_grads(parameters, X, Y, bug=bug)
    _save(tmp_path / "params", parameters)
    _save(tmp_path / "grads", grads)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    run = subprocess.run([cli, "check", "--params", str(tmp_path / "params"),
                          "--X", str(tmp_path / "X.npy"), "--Y", str(tmp_path / "Y.npy"),
                          "--activations", ",".join(activations),
                          "--grads", str(tmp_path / "grads")],
                         capture_output=True, text=True)
    assert run.returncode == (0 if bug is None else 3), run.stderr
    report = xgrad.check(parameters, X, Y, activations, grads=grads)
    theirs = _table(run.stdout)
    ours = str(report).splitlines()
    # the one line that differs says where the manual column came from (a folder, a dict)
    differ = [(a, b) for a, b in zip(theirs, ours) if a != b]
    assert len(theirs) == len(ours) and len(differ) <= 1, differ
    for a, b in differ:
        assert str(tmp_path / "grads") in a and "your grads dictionary" in b


def test_without_grads_the_table_is_xgrad_checks(tmp_path):
    cli = _cli()
    parameters, X, Y, activations = course.problem()
    _save(tmp_path / "params", parameters)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    run = subprocess.run([cli, "check", "--params", str(tmp_path / "params"),
                          "--X", str(tmp_path / "X.npy"), "--Y", str(tmp_path / "Y.npy"),
                          "--activations", ",".join(activations), "--planted-bug"],
                         capture_output=True, text=True)
    assert run.returncode == 3, run.stderr
    report = xgrad.check(parameters, X, Y, activations, planted_bug=True)
    assert _table(run.stdout) == str(report).splitlines()
