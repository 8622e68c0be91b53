#!/usr/bin/env bash
# AceDataCloud's and PiAPI's dialects: how soon a waiting create answers once its task ends
# (beside the relay format's `Prefer: wait` create), and what their reads cost beside the relay
# format's stored-view GET and batch. See bench/dialects.py.
#
#   bench/dialects.sh
#   CREATES=10 ROUNDS=1 SECONDS_PER_RUN=5 bench/dialects.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# BIN names a binary to measure instead of this checkout's release build.
if [ -z "${BIN:-}" ]; then swift build -c release --product lumagate >&2; BIN=$PWD/.build/release/lumagate; fi
python3 bench/dialects.py "$BIN"
