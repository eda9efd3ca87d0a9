#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image (written by `kldrill gradescope`,
# kl-drill @VERSION@): Python if the image lacks it, the CPU build of torch (pinned: an unpinned torch
# pulls gigabytes of CUDA libraries), numpy, then kl-drill from the wheel beside this script (kl-drill
# is not on PyPI), all in a virtual environment of its own. KLDRILL_VENV (default /opt/kl-drill) and
# KLDRILL_TORCH_INDEX (default the PyTorch CPU index; empty: pip's own configuration) are for trying it
# outside Gradescope.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${KLDRILL_VENV:-/opt/kl-drill}"
torch_index="${KLDRILL_TORCH_INDEX-@TORCH_INDEX@}"

if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    need_python=0
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" >/dev/null 2>&1; then
        need_python=1
    fi
    if [ "$need_python" = 1 ] || ! command -v bwrap >/dev/null 2>&1; then
        apt-get update || true
    fi
    if [ "$need_python" = 1 ]; then
        apt-get install -y python3 python3-venv python3-pip
    fi
    # kl-drill's sandbox, where the container lets bubblewrap run; without it, each submission's code
    # still runs as an unprivileged user of its own, under Landlock where the kernel has it.
    if ! command -v bwrap >/dev/null 2>&1; then
        apt-get install -y bubblewrap || echo "setup.sh: bubblewrap not installed; grading goes on without its sandbox" >&2
    fi
fi

python3 -m venv "$venv"
"$venv/bin/python" -m pip install @TORCH@ ${torch_index:+--index-url "$torch_index"}
"$venv/bin/python" -m pip install numpy
"$venv/bin/python" -m pip install "$here/@WHEEL@"
"$venv/bin/kldrill" --version

# Gradescope grades as root, and its containers refuse the namespaces the sandbox needs: the submitted
# code then runs as a user of its own. kl-drill's files (the reference solutions, the checks) are made
# root's alone, and no copy of kl-drill is left beside this script for that user to read.
package="$("$venv/bin/python" -I -c 'import grader, os; print(os.path.dirname(os.path.realpath(grader.__file__)))')"
chmod -R go-rwx "$package"
rm -f "$here/@WHEEL@"
