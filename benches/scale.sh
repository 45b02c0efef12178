#!/usr/bin/env bash
# The figures of docs/scale.md: the CLI reconciling generated CSV pairs of growing size, one
# process at a time. For each size: wall time, CPU time (user + system: the CLI uses one core, so
# this is the throughput per core), peak RSS, and both per line.
#
#   make bench-scale                 # sizes 100000 250000 500000 1000000
#   SIZES="100000 200000" make bench-scale
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=target/release/clearbill
GEN="cargo run --quiet --release --example bench_generate --"
DATA=benches/data
SIZES=${SIZES:-100000 250000 500000 1000000}
mkdir -p "$DATA"
printf '| lines (charge rows) | wall | CPU (user+sys) | µs CPU per line | lines per CPU-second | peak RSS | RSS per line |\n'
printf '|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
  [ -f "$DATA/charges-$n.csv" ] || $GEN --rows "$n" --format csv --out "$DATA" >/dev/null
  # The best of three runs: the machine is shared, and the best run is the least disturbed.
  best=""
  for _ in 1 2 3; do
    out=$( { /usr/bin/time -f '%e %U %S %M' "$CLI" reconcile --charges "$DATA/charges-$n.csv" \
      --payments "$DATA/payments-$n.csv" --as-of 2026-11-15 --format csv --out /dev/null >/dev/null; } 2>&1 | tail -1)
    read -r wall user sys rss <<<"$out"
    cpu=$(echo "$user + $sys" | bc -l)
    if [ -z "$best" ] || (( $(echo "$cpu < ${best%% *}" | bc -l) )); then best="$cpu $wall $rss"; fi
  done
  read -r cpu wall rss <<<"$best"
  awk -v n="$n" -v cpu="$cpu" -v wall="$wall" -v rss="$rss" 'BEGIN {
    printf "| %d | %.2f s | %.2f s | %.2f | %.0f | %.0f MiB | %.2f KiB |\n",
      n, wall, cpu, cpu * 1e6 / n, n / cpu, rss / 1024, rss / n }'
done
