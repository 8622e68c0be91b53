#!/usr/bin/env bash
# Upstream economy: TASKS tasks (default 200) through lumagate to a fake Dream Machine whose
# generation times spread like Luma's (30-120 s) scaled by SCALE (default 0.5), once with
# callbacks and once polling only. Prints upstream requests per task and the delay from upstream
# completion to lumagate's `completed`.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product lumagate >&2
FILES=$(mktemp -d)
trap 'rm -rf "$FILES"' EXIT
# A small real MP4 and JPEG, so inspecting each finished video is cheap.
ffmpeg -loglevel error -y -f lavfi -i testsrc2=s=320x176:r=24 -frames:v 121 -c:v libx264 -pix_fmt yuv420p -movflags +faststart "$FILES/video.mp4"
ffmpeg -loglevel error -y -f lavfi -i testsrc2=s=320x176 -frames:v 1 "$FILES/thumb.jpg"
python3 bench/upstream_economy.py .build/release/lumagate "$FILES"
