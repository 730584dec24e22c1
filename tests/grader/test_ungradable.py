"""A module that cannot be imported is one diagnostic for its part; the other parts are still graded."""

from grader.grading import grade

from submissions import copy_reference, make_submission


def test_syntax_error_makes_its_part_ungradable_and_the_rest_graded(tmp_path):
    folder = copy_reference(tmp_path)
    (folder / "metrics.py").write_text("import numpy as np\ndef accuracy(y_true, y_pred:\n    pass\n")
    result = grade(folder, ["activations", "metrics"])
    activations, metrics = result.parts
    assert activations.points == activations.max_points > 0
    assert metrics.ungradable and metrics.points == 0
    assert "metrics.py could not be imported" in metrics.diagnostic
    assert "SyntaxError" in metrics.diagnostic and 'File "metrics.py", line 2' in metrics.diagnostic
    assert {c.outcome for c in metrics.checks} == {"ungradable"}  # counted as failed, never dropped


def test_missing_module_is_named(tmp_path):
    folder = copy_reference(tmp_path)
    (folder / "metrics.py").unlink()
    result = grade(folder, ["metrics"])
    assert "metrics.py is missing from your submission folder" in result.parts[0].diagnostic


def test_exception_in_a_call_shows_the_students_file_and_line(tmp_path):
    folder = make_submission(tmp_path, "activations", "    return (x > 0).astype(x.dtype)",
                             "    return x.no_such_method()")
    result = grade(folder, ["activations"])
    errored = [c for c in result.checks if c.outcome == "error"]
    assert errored
    message = errored[0].message
    assert "activations.relu_grad raised AttributeError" in message
    assert 'File "activations.py", line' in message and "x.no_such_method()" in message
    assert "grader/" not in message and "site-packages" not in message
