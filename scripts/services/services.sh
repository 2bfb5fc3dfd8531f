#!/usr/bin/env bash
# Kafka and Cassandra for feed-engine's tests, from Maven Central jars (no Docker needed).
#   services.sh up [kafka|cassandra]      start both (in parallel) or one; a no-op for what is already up
#   services.sh down [kafka|cassandra]    stop what these scripts started
#   services.sh status [kafka|cassandra]  print what is running
# Root scripts: `pnpm services:up`, `pnpm services:down`, `pnpm services:status`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

usage() { echo "usage: $0 up|down|status [kafka|cassandra]" >&2; exit 2; }

command="${1:-}"
case "$command" in up | down | status) ;; *) usage ;; esac
shift
for name in "$@"; do
  case "$name" in kafka | cassandra) ;; *) usage ;; esac
done
# Cassandra first: its jars and its startup take longest, so it should get the (one-at-a-time) download lock first.
names=()
for name in cassandra kafka; do
  if [ $# -eq 0 ] || [[ " $* " == *" $name "* ]]; then names+=("$name"); fi
done

if [ "$command" = status ] || [ ${#names[@]} -eq 1 ]; then
  status=0
  for name in "${names[@]}"; do bash "$here/$name.sh" "$command" || status=1; done
  exit "$status"
fi

# Several services: run them in parallel (downloads and JVM startups overlap) and fail if any failed.
started="$(now_s)"
pids=()
for name in "${names[@]}"; do
  bash "$here/$name.sh" "$command" &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { log "${names[$i]}: '$command' failed"; status=1; }
done
[ "$command" = up ] && [ "$status" -eq 0 ] && log "all up in $(elapsed "$started") s"
exit "$status"
