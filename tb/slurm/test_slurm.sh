#!/bin/sh
# mmusim sweep on a real Slurm: starts a single-node Slurm on this machine (munged, slurmctld and
# slurmd on localhost, with a generated slurm.conf and munge key in a temporary folder), runs a
# small sweep through it and checks, then stops the daemons.
#   test_slurm.sh MMUSIM_BINARY SOURCE_DIR
# Checks: the Slurm sweep's sweep.csv equals the local sweep's (one run a task, and three);
# --no-wait then --collect; a missing part is named and fails the collection; a part of another
# sweep is refused; --resubmit-failed runs the missing task again and the collection then
# succeeds.  Exits 77 (ctest: skipped) where Slurm or munge is not installed or not root.
set -u
bin=$(realpath "$1")
src=$(realpath "$2")
for c in munged slurmctld slurmd sbatch; do
    if ! command -v "$c" >/dev/null 2>&1; then
        echo "test_slurm: $c not found; skipped (scripts/setup.sh installs munge, slurmctld, slurmd, slurm-client)"
        exit 77
    fi
done
if [ "$(id -u)" -ne 0 ]; then
    echo "test_slurm: slurmd runs jobs as their user only as root; skipped"
    exit 77
fi
tmp=$(mktemp -d /tmp/mmusim-slurm.XXXXXX)
chmod 755 "$tmp"
failures=0
host=$(hostname -s)
# ports of their own, so that a Slurm of the machine's (or another run of this test) is not hit
port=$((20000 + $$ % 20000))
export SLURM_CONF="$tmp/slurm.conf"
stop() {
    scontrol shutdown >/dev/null 2>&1
    for p in slurmctld slurmd; do
        [ -f "$tmp/$p.pid" ] && kill "$(cat "$tmp/$p.pid")" 2>/dev/null
    done
    munged --stop --socket="$tmp/munge/socket" >/dev/null 2>&1
    sleep 1
    [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap stop EXIT
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/work"
chmod 700 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/key" bs=1024 count=1 2>/dev/null
chmod 400 "$tmp/munge/key"
munged --force --socket="$tmp/munge/socket" --key-file="$tmp/munge/key" \
    --log-file="$tmp/log/munged.log" --pid-file="$tmp/munge/pid" --seed-file="$tmp/munge/seed" ||
    { echo "FAIL: munged did not start"; cat "$tmp/log/munged.log"; exit 1; }
cat > "$SLURM_CONF" <<EOF
ClusterName=mmusimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
# start array tasks as soon as CPUs free up (the default waits up to 3 s between batches)
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=mmusim Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF" && slurmd -f "$SLURM_CONF" ||
    { echo "FAIL: Slurm did not start"; tail -20 "$tmp"/log/*.log; exit 1; }
up=0
for _ in $(seq 30); do
    if sinfo -h -o '%T' 2>/dev/null | grep -q idle; then up=1; break; fi
    sleep 1
done
[ "$up" = 1 ] || { echo "FAIL: the node did not become idle"; sinfo; tail -20 "$tmp"/log/*.log; exit 1; }
echo "Slurm up: $(sinfo -h -o '%P %D %T')"

check() {
    name=$1
    shift
    if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; failures=$((failures + 1)); fi
}

cd "$tmp/work" || exit 1
t1=$src/tb/traces/chase.lackey.gz
t2=$src/traces/sort.lackey.xz
sweep="--vary stlb.entries=96,384,1536 --vary pages=4k,mixed"
# shellcheck disable=SC2086
"$bin" sweep --jobs 2 $sweep --out local "$t1" "$t2" >/dev/null 2>&1
check 'local sweep' test -s local/sweep.csv

# shellcheck disable=SC2086
"$bin" sweep --slurm --partition mmusim --time 10 $sweep --out one "$t1" "$t2" > one.out 2> one.err
check 'Slurm sweep: one run a task, waited for and collected' test -s one/sweep.csv
check 'Slurm sweep: sweep.csv equals the local one' cmp -s local/sweep.csv one/sweep.csv
check 'Slurm sweep: the job array had 12 tasks' test "$(ls one/slurm/part-*.txt | wc -l)" -eq 12
check 'Slurm sweep: job.sh gives sbatch the options' grep -q '^#SBATCH --partition=mmusim$' one/slurm/job.sh
check 'Slurm sweep: report.md and plots' test -s one/report.md -a -s one/hit_rate.png

# shellcheck disable=SC2086
"$bin" sweep --slurm --no-wait --per-task 5 $sweep --out three "$t1" "$t2" > three.out 2> three.err
check 'Slurm sweep --no-wait: says the collect command' grep -q 'mmusim sweep --collect three' three.err
for _ in $(seq 120); do
    [ -z "$(squeue -h 2>/dev/null)" ] && break
    sleep 1
done
check 'Slurm sweep --per-task 5: 3 tasks' test "$(ls three/slurm/part-*.txt | wc -l)" -eq 3
(cd / && "$bin" sweep --collect "$tmp/work/three" > /dev/null 2>&1)
check 'collect from another folder: sweep.csv equals the local one' cmp -s local/sweep.csv three/sweep.csv

# A lost task: named, the collection fails and leaves the earlier results as they were.
cp three/sweep.csv before.csv
mv three/slurm/part-1.txt part-1.saved
"$bin" sweep --collect three > lost.out 2> lost.err
check 'a missing part fails the collection' test $? -eq 1
check 'a missing part is named' grep -q 'Slurm task 1 left no result' lost.err
check 'a failed collection keeps the earlier results' cmp -s before.csv three/sweep.csv
# A part of another sweep is refused.
sed '1s/^mmusim-sweep-part [^ ]* /mmusim-sweep-part 0-0-0 /' part-1.saved > three/slurm/part-1.txt
"$bin" sweep --collect three > foreign.out 2> foreign.err
check 'a part of another sweep is refused' grep -q 'belongs to sweep 0-0-0, not to this one' foreign.err
# Resubmitted, the task runs again and the collection succeeds.
"$bin" sweep --resubmit-failed three > again.out 2> again.err
check 'resubmit-failed: only task 1 again' grep -q '(sweep [^ ]*, 1 tasks) has ended' again.err
check 'resubmit-failed: sweep.csv equals the local one' cmp -s local/sweep.csv three/sweep.csv
"$bin" sweep --resubmit-failed three > none.out 2> none.err
check 'resubmit-failed with nothing failed says so' grep -q 'nothing to resubmit' none.err

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed; Slurm's logs:"
    tail -n 15 "$tmp"/log/*.log one.err three.err 2>/dev/null
    exit 1
fi
echo "all Slurm checks passed"
