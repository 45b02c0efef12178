#!/usr/bin/env bash
# Rebuilds fuzz/seeds/ (committed) from the project's own fixtures and the vendored shared corpus.
# The table and records targets read a first byte that picks the file name, so their seeds get
# that byte put in front. Files over 48 KiB are left out: libFuzzer mutates small inputs faster.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=fuzz/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{money,dates,table,records,reconcile,x12,plain_vs_calamine}

small() { find "$@" -type f -size -48k 2>/dev/null | LC_ALL=C sort; }
# name of the seed: the file's path with / turned into _
seed_name() { echo "${1//\//_}"; }
# picks: 0 csv, 1 tsv, 2 xlsx, 3 xls, 4 ods, 5 xlsb (fuzz_targets/table.rs NAMES)
pick_for() {
    case "${1,,}" in
        *.tsv) echo 1 ;; *.xlsx | *.xlsm) echo 2 ;; *.xls) echo 3 ;; *.ods) echo 4 ;; *.xlsb) echo 5 ;;
        *) echo 0 ;;
    esac
}
# records: 0 charges.csv, 1 payments.tsv, 2 remit.xlsx, 3 fees.xls (fuzz_targets/records.rs NAMES)
records_pick_for() {
    case "${1,,}" in
        *.tsv) echo 1 ;; *.xls) echo 3 ;; *.csv | *.txt) echo 0 ;; *) echo 2 ;;
    esac
}
with_pick() { { printf "\\x$(printf %02x "$1")"; cat "$2"; } >"$3"; }

while read -r f; do
    with_pick "$(pick_for "$f")" "$f" "$seeds/table/$(seed_name "$f")"
done < <(small tests/fixtures tests/data/shared/spreadsheets \
    \( -name '*.xls*' -o -name '*.ods' -o -name '*.csv' -o -name '*.tsv' \))

# plain_vs_calamine takes the xlsx bytes as they are.
while read -r f; do
    cp "$f" "$seeds/plain_vs_calamine/$(seed_name "$f")"
done < <(small tests/fixtures tests/data/shared/spreadsheets \( -name '*.xlsx' -o -name '*.xlsm' \))

while read -r f; do
    with_pick "$(records_pick_for "$f")" "$f" "$seeds/records/$(seed_name "$f")"
done < <(small tests/fixtures/practice tests/fixtures/estimate tests/fixtures/bad \
    \( -name '*.xls*' -o -name '*.ods' -o -name '*.csv' \))

while read -r f; do
    cp "$f" "$seeds/x12/$(seed_name "$f")"
done < <(small tests/data/shared/x12-835 tests/data/shared/x12-837)

# Amounts and dates as the fixtures write them, one value a line (the targets split lines).
grep -rhoE '"?\(?-?\$?[0-9][0-9,]*\.[0-9]{2}\)?"?' tests/fixtures/practice/*.csv | sort -u | awk 'NR <= 40' |
    split -l 1 - "$seeds/money/amount-"
printf '%s\n' '$1,234.50' '(12.00)' '12-' 'USD 12.00' '—' '1.234,50' '0.005' '-$0.01' >"$seeds/money/forms"
grep -rhoE '[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{2,4}' tests/fixtures/practice/*.csv | sort -u | awk 'NR <= 40' \
    >"$seeds/dates/fixture-dates"
printf '%s\n' '2026-03-15T00:00:00Z' '15-Mar-2026' 'Mar 15, 2026' '13/05/2026' '05/13/2026' '20260315' \
    '3/15/26' '15.03.2026' 'March 15 2026' >"$seeds/dates/forms"
head -c 4096 /dev/zero | tr '\0' '\1' >"$seeds/reconcile/ones"
printf '\x5a%.0s' {1..2048} >"$seeds/reconcile/z"
for f in "$seeds"/*; do echo "$(basename "$f"): $(ls "$f" | wc -l) seeds"; done
du -sh "$seeds"
