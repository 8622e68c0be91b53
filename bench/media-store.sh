#!/usr/bin/env bash
# Media in a bucket against media in a folder, with moto's S3 server on loopback as the bucket
# (scripts/test-s3): a MIB-MiB video put into the bucket by `lumagate media migrate` (multipart,
# 16 MiB parts), then downloaded whole through the gateway from the folder and from the bucket
# (ROUNDS alternating rounds, medians) and from the bucket directly, 1 MiB ranges at random offsets (p50, p99), and the
# gateway's peak resident memory before and after streaming it, which shows it is never held whole.
#
#   bench/media-store.sh                 # 256 MiB, 3 rounds
#   MIB=64 ROUNDS=5 BIN=.build/debug/lumagate bench/media-store.sh
#
# Moto is a Python server: the bucket's figures are set by it (printed too, fetched directly by a
# presigned URL), not by the gateway.
set -euo pipefail
cd "$(dirname "$0")/.."

MIB=${MIB:-256}
ROUNDS=${ROUNDS:-3}
RANGES=${RANGES:-50}
PORT=${PORT:-18200}
if [ -z "${BIN:-}" ]; then swift build -c release --product lumagate >&2; BIN=$PWD/.build/release/lumagate; fi
ENDPOINT=$(scripts/test-s3)
BUCKET=$(scripts/test-s3 bench)
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
WORK=$(mktemp -d)
SERVERS=()
trap 'for pid in "${SERVERS[@]}"; do kill $pid 2>/dev/null; done; rm -rf "$WORK"' EXIT

mkdir -p "$WORK/folder/media/tasks/bench"
head -c $((MIB * 1024 * 1024)) /dev/urandom >"$WORK/folder/media/tasks/bench/video.mp4"
path=tasks/bench/video.mp4

started=$(date +%s.%N)
$BIN media migrate --to "$BUCKET" --s3-endpoint "$ENDPOINT" --data-dir "$WORK/folder" >"$WORK/migrate.out" 2>/tmp/migrate-crash.log
upload=$(python3 -c "import sys; print(f'{$MIB / (float(sys.argv[2]) - float(sys.argv[1])):.1f}')" "$started" "$(date +%s.%N)")

serve() { # name port flags...
  local name=$1 port=$2; shift 2
  $BIN serve --data-dir "$WORK/$name" --port "$port" --log-level warning "$@" >>"$WORK/serve.log" 2>&1 &
  SERVERS+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.2; done
  echo "the gateway did not start: $(tail -5 "$WORK/serve.log")" >&2; exit 1
}
serve folder $PORT
FOLDER_PID=${SERVERS[-1]}
serve bucket $((PORT + 1)) --media-store "$BUCKET" --s3-endpoint "$ENDPOINT"
BUCKET_PID=${SERVERS[-1]}
peak_mib() { echo $(( $(awk '/VmHWM/ {print $2}' /proc/$1/status) / 1024 )); }
bucket_peak_before=$(peak_mib $BUCKET_PID)

speed() { curl -sf -o /dev/null -w '%{speed_download}\n' "$1" | awk '{printf "%.1f\n", $1 / 1048576}'; }
# The bucket itself, by a presigned URL: what moto manages without the gateway in between.
direct=$(.build/s3-venv/bin/python -c 'import boto3,sys; print(boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
  .generate_presigned_url("get_object", Params={"Bucket": sys.argv[2], "Key": sys.argv[3]}, ExpiresIn=3600))' "$ENDPOINT" "${BUCKET#s3://}" "$path")
for _ in $(seq "$ROUNDS"); do
  echo "$(speed http://127.0.0.1:$PORT/media/$path) $(speed http://127.0.0.1:$((PORT + 1))/media/$path) $(speed "$direct")" >>"$WORK/whole"
done
ranges() { # URL: p50 and p99 milliseconds of RANGES 1 MiB ranges at random offsets
  for _ in $(seq "$RANGES"); do
    start=$(( (RANDOM * 32768 + RANDOM) % ((MIB - 1) * 1048576) ))
    curl -sf -o /dev/null -w '%{time_total}\n' -H "Range: bytes=$start-$((start + 1048575))" "$1"
  done | python3 -c 'import statistics,sys; t=sorted(float(l)*1000 for l in sys.stdin); print(f"{statistics.median(t):.1f} {t[min(len(t)-1, int(len(t)*0.99))]:.1f}")'
}
read -r folder_p50 folder_p99 <<<"$(ranges http://127.0.0.1:$PORT/media/$path)"
read -r bucket_p50 bucket_p99 <<<"$(ranges http://127.0.0.1:$((PORT + 1))/media/$path)"
read -r direct_p50 direct_p99 <<<"$(ranges "$direct")"
read -r folder_speed bucket_speed direct_speed <<<"$(python3 -c 'import statistics,sys; rows=[list(map(float,l.split())) for l in open(sys.argv[1])]; print(" ".join(f"{statistics.median(c):.1f}" for c in zip(*rows)))' "$WORK/whole")"

echo "media store, one ${MIB} MiB file, medians of $ROUNDS rounds ($(nproc) cores)"
echo "  into the bucket (lumagate media migrate, multipart):  $upload MiB/s   [$(tail -1 "$WORK/migrate.out" | cut -c1-60)…]"
printf '  %-34s %10s %12s %12s\n' "whole file through the gateway" "MiB/s" "1 MiB p50 ms" "p99 ms"
printf '  %-34s %10s %12s %12s\n' "from the media folder" "$folder_speed" "$folder_p50" "$folder_p99"
printf '  %-34s %10s %12s %12s\n' "from the bucket (streamed)" "$bucket_speed" "$bucket_p50" "$bucket_p99"
printf '  %-34s %10s %12s %12s\n' "(the bucket directly, presigned)" "$direct_speed" "$direct_p50" "$direct_p99"
echo "  gateway on the bucket, peak RSS: $bucket_peak_before MiB before, $(peak_mib $BUCKET_PID) MiB after streaming $((MIB * ROUNDS)) MiB"
echo "  gateway on the folder, peak RSS: $(peak_mib $FOLDER_PID) MiB after serving the same"
