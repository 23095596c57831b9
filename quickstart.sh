#!/bin/sh
# On a fresh Debian 12 machine: install what is missing, build, and analyze
# the captures shipped in pcaps/demo. Run as root or with sudo available.
set -e
cd "$(dirname "$0")"
bash tests/deps.sh
make -j2 hoplat
make demo
