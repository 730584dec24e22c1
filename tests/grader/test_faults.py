"""How faults in the student's code are attributed: to the function that is really unfinished, and a function that
ended the worker is not restarted for every later check."""

from grader.grading import grade

from submissions import make_submission


def test_an_unfinished_method_is_named_where_a_finished_function_calls_it(tmp_path):
    folder = make_submission(tmp_path, "network", "        a = np.asarray(x)\n        cache = []\n",
                             "        raise NotImplementedError\n        a = np.asarray(x)\n        cache = []\n")
    result = grade(folder, ["training"])  # its integration check runs the student's MLP in their fit
    fit_checks = [c for c in result.checks if c.name == "test_capstone_learns_xor"]
    assert fit_checks and fit_checks[0].outcome == "not_implemented"
    message = fit_checks[0].message
    assert message.startswith("network.MLP.forward is not implemented yet (it raises NotImplementedError in "
                              "network.py, line ")
    assert message.endswith("; called by training.fit).")
    assert "training.fit is not implemented yet" not in message


def test_an_unfinished_function_itself_keeps_the_short_message(stub_result):
    sigmoid = next(c for c in stub_result.checks if c.name == "test_activation_matches_reference[sigmoid]")
    assert sigmoid.message == "activations.sigmoid is not implemented yet (it raises NotImplementedError)."


def test_a_function_that_ended_the_worker_is_not_run_again(tmp_path):
    folder = make_submission(tmp_path, "activations", "import numpy as np\n", "import os\nimport numpy as np\n")
    path = folder / "activations.py"
    source = path.read_text()
    marker = '    """Rectified linear unit, elementwise: max(x, 0).'
    start = source.index(marker)
    body = source.index("    # BEGIN SOLUTION", start)
    path.write_text(source[:body] + "    os._exit(3)\n" + source[body:])
    result = grade(folder, ["activations"])
    relu_checks = [c for c in result.checks if c.outcome == "crashed" and "activations.relu " in c.message + " "]
    crashed = [c.message for c in relu_checks]
    assert len(crashed) >= 3, crashed
    assert all("ended the Python process" in m and "exited with code 3" in m for m in crashed)
    assert sum("was not run again" in m for m in crashed) == len(crashed) - 1  # only the first crash ran it
    others = [c for c in result.checks if c.name == "test_activation_matches_reference[sigmoid]"]
    assert others[0].passed  # the rest of the part is still graded in a fresh worker
