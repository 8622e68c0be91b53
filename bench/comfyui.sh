#!/usr/bin/env bash
# ComfyUI channels: one gateway (SQLite) in front of four fake ComfyUI machines
# (bench/fake_comfyui.py, the wire format a real ComfyUI 0.3.64 speaks). Prints the gateway's
# overhead per task (client submit to the machine's /prompt, the run's end to `completed`)
# against the run itself, then tasks completed a second across the four machines, the most in
# flight, upstream requests per task and RSS.
#
#   bench/comfyui.sh
#   TASKS=2000 EXEC=5 bench/comfyui.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# BIN names a binary to measure instead of this checkout's release build.
if [ -z "${BIN:-}" ]; then swift build -c release --product lumagate >&2; BIN=$PWD/.build/release/lumagate; fi
FILES=$(mktemp -d)
trap 'rm -rf "$FILES"' EXIT
ffmpeg -loglevel error -y -f lavfi -i testsrc2=s=416x240:r=24 -frames:v 24 -c:v libx264 -pix_fmt yuv420p "$FILES/video.mp4"
python3 bench/comfyui.py "$BIN" "$FILES/video.mp4" Tests/LumaGateTests/Fixtures/comfyui/object_info.json
