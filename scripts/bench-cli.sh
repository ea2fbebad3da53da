#!/bin/sh
# skc — whole-process times of the command line on a photo-sized 8-bit RGB
# PNG, side by side in one run (issue 15): `skc apply` at R 24, the `gegl`
# command doing the same with gegl:lens-blur, a plain GEGL load + save
# (gegl's default 16-bit PNG, and 8-bit through gegl:png-save), skc's own
# load + save (R 0), and a batch of files through one `skc apply FOLDER`
# against the same files one `skc apply` after another.  Rounds are
# interleaved (every command once per round), so that a busy machine
# slows all rows alike; medians over the rounds.
#
# Usage: scripts/bench-cli.sh [SKC] [--size WxH] [--runs N] [--batch N]
#          [--batch-runs N] [--csv FILE] [--table FILE]
# (defaults: build/tools/skc, 4000x3000, 5 runs, a batch of 8 files over
# 3 runs, docs/bench/cli.csv and docs/bench/cli.txt).  Needs ImageMagick
# (the input photo: the bundled astronaut scaled up, with seeded noise so
# that it compresses like a photo) and GEGL's `gegl` command.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
skc=$here/build/tools/skc
size=4000x3000
runs=5
batch=8
batch_runs=3
csv=$here/docs/bench/cli.csv
table=$here/docs/bench/cli.txt
while [ $# -gt 0 ]; do
  case $1 in
  --size) size=$2; shift ;;
  --runs) runs=$2; shift ;;
  --batch) batch=$2; shift ;;
  --batch-runs) batch_runs=$2; shift ;;
  --csv) csv=$2; shift ;;
  --table) table=$2; shift ;;
  -*) echo "bench-cli.sh: unknown option '$1'" >&2; exit 2 ;;
  *) skc=$1 ;;
  esac
  shift
done
for tool in "$skc" gegl convert identify; do
  command -v "$tool" >/dev/null || { echo "bench-cli.sh: $tool not found" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SKC_CACHE_DIR="$work/cache"

convert "$here/data/photos/astronaut.png" -filter Lanczos -resize "$size!" \
  -seed 1 -attenuate 0.4 +noise Gaussian -depth 8 PNG24:"$work/in.png"
mkdir "$work/batch"
i=1
while [ "$i" -le "$batch" ]; do
  cp "$work/in.png" "$work/batch/photo-$i.png"
  i=$((i + 1))
done

now () { date +%s.%N; }
# The CPU seconds (user + system) of this shell's finished children:
# the second line of the shell's `times`, which must run in this shell
# itself (a subshell starts with none).
cpu () { sed -n 2p "$1" | awk '{ for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } print s }'; }
# timed NAME COMMAND...: runs it, appends "NAME,WALL,CPU" to the samples.
timed () {
  name=$1
  shift
  times >"$work/times0"
  t0=$(now)
  "$@" >"$work/out.log" 2>&1 || { echo "bench-cli.sh: $name failed:" >&2; cat "$work/out.log" >&2; exit 1; }
  t1=$(now)
  times >"$work/times1"
  echo "$name,$(echo "$t1 - $t0" | bc -l),$(echo "$(cpu "$work/times1") - $(cpu "$work/times0")" | bc -l)" >>"$work/samples"
}
sequential () {
  for f in "$work"/batch/*.png; do
    "$skc" apply "$f" -o "$work/seq/$(basename "$f")" --radius 24 || return 1
  done
}

: >"$work/samples"
mkdir -p "$work/seq"
# A warm-up run of each, so that every row reads a file from the page cache.
"$skc" apply "$work/in.png" -o "$work/skc.png" --radius 24 >/dev/null
gegl "$work/in.png" -o "$work/gegl.png" -- gegl:lens-blur radius=24 >/dev/null 2>&1
round=1
while [ "$round" -le "$runs" ]; do
  timed "skc apply R 24" "$skc" apply "$work/in.png" -o "$work/skc.png" --radius 24
  timed "gegl gegl:lens-blur R 24" gegl "$work/in.png" -o "$work/gegl.png" -- gegl:lens-blur radius=24
  timed "gegl load + save (16-bit PNG)" gegl "$work/in.png" -o "$work/plain.png"
  timed "gegl load + save (8-bit PNG)" gegl "$work/in.png" -- gegl:png-save path="$work/plain8.png" bitdepth=8
  timed "skc apply R 0 (load + save)" "$skc" apply "$work/in.png" -o "$work/skc0.png" --radius 0
  if [ "$round" -le "$batch_runs" ]; then
    timed "$batch files: skc apply one after another" sequential
    rm -rf "$work/out"
    timed "$batch files: skc apply FOLDER -o OUT" "$skc" apply "$work/batch" -o "$work/out" --radius 24
  fi
  round=$((round + 1))
done
for f in "$work"/batch/*.png; do
  cmp -s "$work/seq/$(basename "$f")" "$work/out/$(basename "$f")" \
    || { echo "bench-cli.sh: the batch's $(basename "$f") differs from a single run's" >&2; exit 1; }
done

in_size=$(stat -c %s "$work/in.png")
describe () { identify -format '%z-bit %[channels], ' "$1"; stat -c '%s bytes' "$1"; }
median () { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR], NR }'; }
{
  echo "case,runs,median_s,min_s,max_s,cpu_median_s"
  awk -F, '{ print $1 }' "$work/samples" | awk '!seen[$0]++' | while read -r name; do
    wall=$(grep -F "$name," "$work/samples" | awk -F, '{ print $2 }' | median)
    cpu_s=$(grep -F "$name," "$work/samples" | awk -F, '{ print $3 }' | median)
    echo "$wall $cpu_s" | awk -v name="$name" '{ printf "%s,%d,%.3f,%.3f,%.3f,%.3f\n", name, $4, $1, $2, $3, $5 }'
  done
} >"$csv"

{
  echo "scripts/bench-cli.sh: whole processes on the command line (issue 15)"
  echo
  echo "date $(date -u '+%Y-%m-%d %H:%M UTC'); $(uname -sm);" \
    "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(nproc) cores;" \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "input: $size 8-bit RGB PNG ($in_size bytes; the bundled astronaut scaled up with seeded noise)"
  echo "outputs: skc $(describe "$work/skc.png"); gegl lens-blur $(describe "$work/gegl.png");" \
    "gegl load + save $(describe "$work/plain.png")"
  echo "batch: $batch copies of the input; skc apply FOLDER runs $(nproc) files at once," \
    "one engine thread each; outputs identical to the single runs (checked)"
  echo
  awk -F, 'NR == 1 { next }
    { name[NR] = $1; med[NR] = $3; lo[NR] = $4; hi[NR] = $5; runs[NR] = $2; cpu[NR] = $6 }
    $1 == "skc apply R 24" { skc = $3 }
    $1 ~ /one after another/ { seq = $3; seq_cpu = $6 }
    END {
      printf "%-44s %5s %9s %9s %9s %9s %9s\n", "case", "runs", "median s", "min s", "max s", "vs skc", "CPU s"
      for (i = 2; i <= NR; i++) {
        rel = name[i] ~ /files:/ ? "" : sprintf("%.2fx", med[i] / skc)
        printf "%-44s %5d %9.2f %9.2f %9.2f %9s %9.2f\n", name[i], runs[i], med[i], lo[i], hi[i], rel, cpu[i]
      }
      for (i = 2; i <= NR; i++)
        if (name[i] ~ /FOLDER/)
          printf "\nbatch speed-up: %.2fx (one after another %.2f s, FOLDER %.2f s); CPU time %.2fx less\n", seq / med[i], seq, med[i], seq_cpu / cpu[i]
    }' "$csv"
  echo
  echo "vs skc: the row's median over skc apply R 24's (above 1: skc is faster)."
  echo "CPU s: user + system seconds of the processes (median)."
  echo "sched_autogroup_enabled: $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo unknown)" \
    "(1: the scheduler shares the CPU between sessions first, so that on busy" \
    "cores more processes in one session do not get it more time)"
} >"$table"
cat "$table"
