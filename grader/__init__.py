"""nn-grader: auto-graded numpy exercises and concept quizzes for the first chapter of deep learning.

Grading one submission, in the order data flows (``grading.grade`` drives it):

    parts        the parts of the course, one per hidden suite in suites/check_<part>.py
    submission   find a student's code and copy in only the files the grader may use
    sandbox/     the worker process that alone runs student code: limits, isolation, the wire protocol
    inputs       the checks' seeded inputs
    reference    the reference answers, computed in the grader's process (or replayed in a student copy)
    compare      wrong answers turned into findings a student can act on; gradcheck for gradients
    mistakes/    the catalogue of known mistakes, to name the one a wrong answer matches
    runner       run the suites with pytest, one result per check
    grading      all of the above for one submission, into a ``results.GradeResult``
    results      the result model every report is rendered from
    report/      one renderer per format (text, json, junit, gradescope, github, prairielearn, html)
    figures/     the HTML report's figures: the student's code beside the reference, as data, then drawn

Around it:

    i18n         every sentence a student reads, from the catalogues in locale/<lang>/*.yaml
    stubgen      the student exercises generated from the reference solutions
    audit        the hidden checks graded against the catalogue of mistakes (its command: audit_cli)
    quiz/        the YAML quiz engine (its own map in grader/quiz/__init__.py)
    classroom/   grading a class, and the copies of the course that leave the checkout (its map in its __init__)
    output       where a command writes what it made
    cli          the `nn-grader` command; quiz/cli, classroom/cli, classroom/release_cli and audit_cli hold the
                 commands it imports only when asked for
"""

__version__ = "0.1.0"
