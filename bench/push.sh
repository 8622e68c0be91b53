#!/usr/bin/env bash
# Push at scale: one gateway (SQLite) holding STREAMS token streams (default 9,500) and HELD held
# GETs (default 9,500; the two together stay under this machine's 20,000 open files per process)
# while RATE tasks a second (default 250, so 500 state changes a second) go through a fake Dream
# Machine. Prints RSS and CPU idle and under load, the delay from a change's commit to a stream's
# receipt (p50, p99), and requests per task of a client that waits by stream against a poller.
#
#   bench/push.sh
#   STREAMS=2000 HELD=2000 RATE=100 LOAD_SECONDS=10 bench/push.sh
#
# Targets (docs/benchmarks.md): RSS < 256 MiB; p99 < 100 ms; CPU near zero while all are idle.
set -euo pipefail
cd "$(dirname "$0")/.."
# BIN names a binary to measure instead of this checkout's release build.
if [ -z "${BIN:-}" ]; then swift build -c release --product lumagate >&2; BIN=$PWD/.build/release/lumagate; fi
FILES=$(mktemp -d)
trap 'rm -rf "$FILES"' EXIT
ffmpeg -loglevel error -y -f lavfi -i testsrc2=s=320x176:r=24 -frames:v 24 -c:v libx264 -pix_fmt yuv420p "$FILES/video.mp4"
ffmpeg -loglevel error -y -f lavfi -i testsrc2=s=320x176 -frames:v 1 "$FILES/thumb.jpg"
python3 bench/push.py "$BIN" "$FILES"
