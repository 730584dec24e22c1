"""Grading a whole class: find each student's submission, grade them in parallel, keep a gradebook.

Modules, in the order data flows:

    roster      find the students in a submissions folder (plain, GitHub Classroom or Gradescope export layout)
    archive     unpack a student's zip safely (no escaping paths, no links, size caps)
    student     grade one student: locate the code and quiz answers, run ``grade()`` and the quizzes
    records     one student's record on disk (JSON, written atomically), and what makes a record current
    pool        long-lived grading processes, each grading many students, with a time budget per student
    autograde   the class run: resume, shard, grade in parallel, write records and feedback as they come
    feedback    a student's feedback in markdown, from their record
    gradebook   the gradebook CSV and the class summary from the records; merging shards

Handing the course out (``nn-grader release``, ``nn-grader gradescope build|run``; commands in ``release_cli``):

    public_suites     each hidden suite reduced to its ``@pytest.mark.public`` checks
    recording         the reference's answers to the public checks, recorded for a copy without reference code
    leaks             the proof a copy holds no solution line and no hidden check's name
    checkout          the instructor's checkout a copy is built from, and ReleaseError
    release           the student copy, assembled in a scratch folder and moved to OUT once verified:
      release_package     the grader package without solutions, mistakes, audit and classroom tools
      release_commands    cli.py's lazy commands, without those whose module the copy leaves out
      release_quizzes     the open quizzes, sealed (or ci) in parallel
      release_values      the reference's recorded answers to the public checks, and release.json
      release_pyproject   the copy's pyproject.toml, derived from the checkout's
      release_readme      the student README, from templates/release/README.md
      release_verify      no leak, and the copy's own grader passes the public checks on the reference
    gradescope_build  Gradescope's autograder zip (setup.sh, run_autograder) with every check
    gradescope_run    what run_autograder does for one submission

The layouts ``roster`` accepts are documented in docs/classroom.md.
"""
