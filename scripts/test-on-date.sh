#!/usr/bin/env bash
# Runs jest as if today were another date: scripts/test-on-date.sh 2031-03-02 [jest args…]
#
# The clock of node and of every dynamically linked process it starts (the time-skipping test
# server, Chromium) is moved with libfaketime (apt-get install faketime libfaketime) to 10:00
# Stockholm time on that date and keeps running from there. One fixed offset is shared by all of
# them, so they agree with each other. Not faked: the Temporal CLI dev server (a statically linked
# Go binary, which reads the clock without libc) and PostgreSQL (already running); see README.
set -euo pipefail

if [[ $# -lt 1 || ! $1 =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
  echo "usage: scripts/test-on-date.sh YYYY-MM-DD [jest args…]" >&2
  exit 2
fi
date=$1
shift

lib=
for candidate in /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 /usr/lib/*/faketime/libfaketimeMT.so.1 \
  /usr/local/lib/faketime/libfaketimeMT.so.1; do
  if [[ -f $candidate ]]; then
    lib=$candidate
    break
  fi
done
if [[ -z $lib ]]; then
  echo "libfaketime is missing: apt-get install faketime libfaketime" >&2
  exit 2
fi

target=$(TZ=Europe/Stockholm date -d "$date 10:00" +%s)
offset=$((target - $(date +%s)))
sign=+
if ((offset < 0)); then
  sign=-
  offset=$((-offset))
fi

cd "$(dirname "$0")/.."
# A relative offset ("+N" seconds) rather than a start date: with a start date, every process
# would start its own clock at that moment. The monotonic clock is shifted by the same constant,
# which timers do not mind; FAKETIME_DONT_FAKE_MONOTONIC=1 makes the test server (a GraalVM
# native image) spin at full CPU in its timed waits, so it is deliberately not set.
export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
export FAKETIME="$sign$offset"
unset FAKETIME_DONT_FAKE_MONOTONIC
# An embedded PostgreSQL a test starts keeps the real clock, like the shared one on 5432: under
# libfaketime its statement_timeout never fires.
export FAKETIME_SKIP_CMDS=postgres,initdb,pg_ctl
echo "test-on-date: node sees $(date -d "@$target" -u +%Y-%m-%dT%H:%M:%SZ) (offset $FAKETIME s)" >&2
# node directly, not npx: nothing here needs npm or the network under a faked clock.
exec node node_modules/jest/bin/jest.js "$@"
