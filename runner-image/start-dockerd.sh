#!/usr/bin/env bash
# Starts the Docker engine inside a privileged runner container (Docker-in-Docker) and waits until it answers.
# Usage: start-dockerd.sh TIMEOUT_SECONDS. Runs as root (the entrypoint calls it directly or through sudo, which
# the image allows for this one script only).
set -Eeuo pipefail

timeout="${1:-60}"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || {
  echo "start-dockerd: timeout must be a positive number of seconds, got '$timeout'" >&2
  exit 64
}
log_file="${DOCKERD_LOG:-/var/log/dockerd.log}"

# setsid: the engine must not share the entrypoint's process group, so a signal meant for the runner never
# stops the engine under a job's containers.
setsid dockerd >>"$log_file" 2>&1 </dev/null &
dockerd_pid=$!

deadline=$((SECONDS + timeout))
until docker info >/dev/null 2>&1; do
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    echo "start-dockerd: dockerd exited during start-up; last lines of $log_file:" >&2
    tail -n 20 "$log_file" >&2 || true
    exit 70
  fi
  if ((SECONDS >= deadline)); then
    echo "start-dockerd: dockerd did not answer within ${timeout}s; last lines of $log_file:" >&2
    tail -n 20 "$log_file" >&2 || true
    exit 70
  fi
  sleep 0.5
done
echo "start-dockerd: Docker engine ready" >&2
