#!/usr/bin/env bash
# Video sources of the Agents face: what taking in a client's video costs at submit (fetch,
# re-mux, measure, decode once), by size and length, against a bystander's /healthz while four
# clients send 18 s 1080p sources at once; and the gateway's RSS after it.
#
#   bench/video-sources.sh
#   ROUNDS=10 bench/video-sources.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# BIN names a binary to measure instead of this checkout's release build.
if [ -z "${BIN:-}" ]; then swift build -c release --product lumagate >&2; BIN=$PWD/.build/release/lumagate; fi
python3 bench/video_sources.py "$BIN"
