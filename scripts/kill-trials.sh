#!/usr/bin/env bash
# Kills dora-cli with SIGKILL during training, TRIALS times (default 24), and checks after each kill that
# nothing was lost:
#   - the database passes PRAGMA integrity_check;
#   - every earlier run still has exactly the metrics it had before (count and checksum per table);
#   - the killed run is marked interrupted and `train --resume` finishes it with steps 1..N, no gap and
#     no duplicate, and the same losses as a run left alone (to 1e-5).
# Kills alternate between the crash points of engine/src/testing/crash_points.h (inside a step, a
# checkpoint file written but not renamed, a metrics transaction written but not committed), each at a
# random occurrence, and SIGKILL at a random moment of training (0-1.2 s after the run is stored; the
# run takes 1.5-3 s). All trials share one database, so each trial also checks the runs of all earlier
# trials. A run that finishes before its kill is counted and checked, not resumed.
#
#   scripts/kill-trials.sh [TRIALS]      (needs build/app/dora-cli and the sqlite3 command)
set -euo pipefail

trials=${1:-24}
root=$(cd "$(dirname "$0")/.." && pwd)
cli=${DORA_CLI:-$root/build/app/dora-cli}
[ -x "$cli" ] || { echo "kill-trials: $cli not found; build first (make build)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "kill-trials: the sqlite3 command is missing (apt-get install sqlite3)" >&2; exit 2; }

work=$(mktemp -d /tmp/dora-kill-trials-XXXXXX)
trap 'rm -rf "$work"' EXIT
db=$work/runs.sqlite
steps=60
cat > "$work/run.json" <<JSON
{"name": "kill trial", "model": {"builtin": "demo-gpt"}, "data": {"seq_len": 32},
 "adapter": {"method": "dora", "targets": [".*c_attn", ".*c_fc"], "rank": 4, "dropout": 0.1},
 "train": {"steps": $steps, "batch_size": 8, "lr": 0.005, "eval_every": 20, "checkpoint_every": 10, "threads": 1},
 "log": {"layer_stats_every": 5}}
JSON

q() { sqlite3 -batch -noheader "$1" "$2"; }
# Everything stored for the runs with id < $2, as one line per run and table: a fingerprint to compare.
fingerprint() {
    q "$1" "SELECT 'run', id, status, steps_done FROM runs WHERE id < $2 ORDER BY id;
            SELECT 'steps', run_id, count(*), printf('%.9g', total(loss)) FROM step_metrics WHERE run_id < $2 GROUP BY run_id;
            SELECT 'evals', run_id, count(*), printf('%.9g', total(loss)) FROM eval_results WHERE run_id < $2 GROUP BY run_id;
            SELECT 'layers', run_id, count(*), printf('%.9g', total(delta_direction)) FROM layer_stats WHERE run_id < $2 GROUP BY run_id;"
}
losses() { q "$1" "SELECT printf('%.9g', loss) FROM step_metrics WHERE run_id = $2 ORDER BY step"; }

echo "kill-trials: $trials trials of a $steps-step demo-gpt DoRA run, database $db"
# Run 1, left alone: the losses every resumed run must reproduce, and the first run that must survive.
"$cli" train "$work/run.json" --db "$db" >/dev/null
losses "$db" 1 > "$work/reference.losses"

failures=0 resumed=0 before_start=0 finished_first=0
points=("training-step" "file-before-rename" "metrics-commit" "random")
for ((trial = 1; trial <= trials; trial++)); do
    next_id=$(( $(q "$db" "SELECT max(id) FROM runs") + 1 ))
    earlier=$(fingerprint "$db" "$next_id")
    kind=${points[$(( (trial - 1) % ${#points[@]} ))]}
    case $kind in
        training-step)      what="$kind:$(( RANDOM % steps + 1 ))" ;;
        file-before-rename) what="$kind:$(( RANDOM % (steps / 10) + 1 ))" ;;
        metrics-commit)     what="$kind:$(( RANDOM % 6 + 1 ))" ;;
        random)             kill_ms=$(( RANDOM % 1200 )); what="$kill_ms ms into training" ;;
    esac
    set +e
    if [ "$kind" = random ]; then
        "$cli" train "$work/run.json" --db "$db" >"$work/out" 2>&1 &
        pid=$!
        # Start the clock when the run is in the store, so the kill lands in training, not in start-up.
        for ((wait_ms = 0; wait_ms < 60000; wait_ms += 20)); do
            [ "$(q "$db" "SELECT count(*) FROM runs WHERE id = $next_id" 2>/dev/null)" = 1 ] && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.02
        done
        sleep "$(awk "BEGIN {print $kill_ms / 1000}")"
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null; rc=$?
    else
        # Grouped with stderr closed, so the shell's "Killed" notice does not clutter the report.
        { DORA_CRASH_AT=$what "$cli" train "$work/run.json" --db "$db" >"$work/out" 2>&1; } 2>/dev/null; rc=$?
    fi
    set -e

    problems=()
    integrity=$(q "$db" "PRAGMA integrity_check" 2>&1 || true)
    [ "$integrity" = ok ] || problems+=("integrity_check says: $integrity")
    now=$(fingerprint "$db" "$next_id" 2>&1 || true)
    [ "$now" = "$earlier" ] || problems+=("an earlier run changed")
    "$cli" runs --db "$db" >/dev/null  # opening the store marks the dead run interrupted
    status=$(q "$db" "SELECT status FROM runs WHERE id = $next_id")
    outcome=""
    if [ "$status" = finished ]; then
        # The crash point was never reached, or the kill landed after the run was complete (while the
        # process was exiting): nothing to resume, and the checks above still hold.
        outcome="finished before the kill (exit $rc)"
        finished_first=$((finished_first + 1))
    elif [ $rc -ne 137 ]; then
        problems+=("the run was neither killed nor finished (exit $rc, status ${status:-none}): $(tail -1 "$work/out")")
    elif [ -z "$status" ]; then
        outcome="killed before the run was stored"
        before_start=$((before_start + 1))
    elif [ "$status" != interrupted ]; then
        problems+=("the killed run is '$status', not interrupted")
    else
        done_before=$(q "$db" "SELECT steps_done FROM runs WHERE id = $next_id")
        if "$cli" train --resume "$next_id" --db "$db" >"$work/resume" 2>&1; then
            resumed=$((resumed + 1))
            series=$(q "$db" "SELECT count(*) || ' ' || count(DISTINCT step) || ' ' || min(step) || ' ' || max(step) FROM step_metrics WHERE run_id = $next_id")
            [ "$series" = "$steps $steps 1 $steps" ] || problems+=("after the resume the steps are (count distinct min max) $series")
            [ "$(q "$db" "SELECT status FROM runs WHERE id = $next_id")" = finished ] || problems+=("the resumed run did not finish")
            losses "$db" "$next_id" > "$work/losses"
            worst=$(paste "$work/reference.losses" "$work/losses" |
                    awk '{d = $1 - $2; if (d < 0) d = -d; r = d / ($1 < 0 ? -$1 : $1); if (r > w) w = r} END {printf "%.2g", w}')
            awk "BEGIN {exit !($worst <= 1e-5)}" || problems+=("losses differ from the run left alone by up to $worst (relative)")
            [ "$(q "$db" "PRAGMA integrity_check")" = ok ] || problems+=("integrity_check fails after the resume")
            outcome="killed with $done_before steps stored, resumed to $steps, worst loss difference $worst"
        else
            problems+=("resume failed: $(tail -1 "$work/resume")")
        fi
    fi
    if [ ${#problems[@]} -eq 0 ]; then
        printf 'trial %2d  %-26s ok: %s\n' "$trial" "$what" "$outcome"
    else
        failures=$((failures + 1))
        printf 'trial %2d  %-26s FAILED: %s\n' "$trial" "$what" "$(IFS=';'; echo "${problems[*]}")"
    fi
done

runs=$(q "$db" "SELECT count(*) FROM runs")
echo "kill-trials: $trials trials, $resumed killed and resumed, $before_start killed before the run was stored," \
     "$finished_first finished before the kill; $runs runs in the database; $failures failures"
[ "$failures" -eq 0 ]
