#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image (written by `kldrill gradescope`,
# kl-drill @VERSION@): Python if the image lacks it, the CPU build of torch (pinned: an unpinned torch
# pulls gigabytes of CUDA libraries), numpy, then kl-drill from the wheel beside this script (kl-drill
# is not on PyPI), all in a virtual environment of its own.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${KLDRILL_VENV:-/opt/kl-drill}"

if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update || true
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" >/dev/null 2>&1; then
        apt-get install -y python3 python3-venv python3-pip
    fi
    # kl-drill's sandbox, where the container lets bubblewrap run; without it, each submission's code
    # still runs as an unprivileged user of its own.
    apt-get install -y bubblewrap || echo "setup.sh: bubblewrap not installed; grading goes on without its sandbox" >&2
fi

python3 -m venv "$venv"
"$venv/bin/python" -m pip install @TORCH@ --index-url @TORCH_INDEX@
"$venv/bin/python" -m pip install numpy
"$venv/bin/python" -m pip install "$here/@WHEEL@"
"$venv/bin/kldrill" --version
