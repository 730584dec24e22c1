#!/usr/bin/env bash
# PrairieLearn's external grader runs this for every submission (info.json's externalGradingOptions.entrypoint).
# The instructor's nn-grader checkout -- hidden suites and reference solutions included -- is copied into the job as
# /grade/serverFilesCourse/nn-grader (externalGradingOptions.serverFilesCourse); this script is inside it. The
# student's files are in /grade/student, the question's data in /grade/data/data.json, and the grade goes to
# /grade/results/results.json (grader/classroom/prairielearn_run.py). Arguments after the script's path are passed
# on: --part, --seed, --lang, --hidden-visibility, --seed-per.
#
# NN_GRADER_PL_ROOT replaces /grade and NN_GRADER_PYTHON the image's python3 (to try the grader in a folder of one's
# own). The image needs Python 3.11 or newer with nn-grader's dependencies (the Dockerfile beside this script).
set -euo pipefail
ROOT="${NN_GRADER_PL_ROOT:-/grade}"
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
PYTHON="${NN_GRADER_PYTHON:-python3}"

# As root, the worker that runs the submission drops to an unprivileged user of its own (docs/security.md, "The user
# level"): no user but root may read the suites, the solutions or this checkout. The grader checks it before it runs
# any student code.
if [ "$(id -u)" = 0 ]; then
    chmod -R go-rwx "$SOURCE"
fi
cd "$SOURCE"
PYTHONPATH="$SOURCE" exec "$PYTHON" -m grader.classroom.prairielearn_run --root "$ROOT" "$@"
