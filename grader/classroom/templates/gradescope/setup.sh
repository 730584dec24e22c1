#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source (the autograder zip, unpacked), when it builds the
# autograder's image. It installs the bundled nn-grader -- the instructor's, with the hidden suites and the reference
# solutions -- into a virtual environment. Only numpy, pytest, click and pyyaml come from the network, and Python
# 3.11 from apt when the image has no Python 3.11 or newer.
#
# NN_GRADER_AUTOGRADER_ROOT replaces /autograder (to try the autograder in a folder of one's own);
# NN_GRADER_VENV_OPTIONS and NN_GRADER_PIP_OPTIONS are passed to `python -m venv` and `pip install` (for example
# "--system-site-packages" and "--no-deps --no-build-isolation" to install without a network).
set -euo pipefail
ROOT="${NN_GRADER_AUTOGRADER_ROOT:-/autograder}"
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$ROOT/nn-grader-venv"

python_3_11() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

apt_install() {
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

if ! PYTHON="$(python_3_11)"; then
    apt_install python3.11 python3.11-venv
    PYTHON="$(python_3_11)"
fi
# shellcheck disable=SC2086  # the options are words to split
if ! "$PYTHON" -m venv ${NN_GRADER_VENV_OPTIONS:-} "$VENV"; then
    apt_install "$(basename "$PYTHON")-venv"  # Debian and Ubuntu ship venv's pip separately
    "$PYTHON" -m venv ${NN_GRADER_VENV_OPTIONS:-} "$VENV"
fi
# shellcheck disable=SC2086
"$VENV/bin/python" -m pip install ${NN_GRADER_PIP_OPTIONS:-} "$SOURCE/nn-grader"

# Gradescope's containers refuse new namespaces, so the worker that runs a submission only drops to an unprivileged
# user of its own (docs/security.md, "The user level"): no user but root may read the suites, the solutions or this
# source. The grader checks the first two before it runs any student code.
SITE="$("$VENV/bin/python" -I -c 'import grader, os; print(os.path.dirname(os.path.dirname(grader.__file__)))')"
chmod -R go-rwx "$SITE/grader" "$SITE/solutions" "$SOURCE"
