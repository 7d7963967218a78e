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
