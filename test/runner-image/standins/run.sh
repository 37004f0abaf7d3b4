#!/usr/bin/env bash
# Stand-in for actions/runner's run.sh in the entrypoint test image: records what it was given and what it can
# see, then behaves as the STANDIN_* variables say.
set -u
out=/record
: >"$out/run.argv"
(($#)) && printf '%s\0' "$@" >"$out/run.argv"
env -0 >"$out/run.env"
id -u >"$out/run.uid"
# A job runs as this same user: can it read the environment the container was started with?
for pid in 1 "$PPID"; do
  if cat "/proc/$pid/environ" >/dev/null 2>&1; then echo "$pid readable"; else echo "$pid unreadable"; fi
done >"$out/run.proc"
if [[ ${STANDIN_BUSY:-} == true ]]; then
  # The entrypoint tells a busy runner by its Runner.Worker process.
  Runner.Worker 600 &
fi
# shellcheck disable=SC2317  # invoked by trap
on_term() {
  echo term >"$out/run.term"
  exit "${STANDIN_TERM_EXIT:-3}"
}
trap on_term TERM
: >"$out/run.started"
if [[ ${STANDIN_WAIT:-} == true ]]; then
  sleep 600 &
  wait "$!"
fi
exit "${STANDIN_EXIT:-0}"
