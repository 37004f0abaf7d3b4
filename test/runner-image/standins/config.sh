#!/usr/bin/env bash
# Stand-in for actions/runner's config.sh: records its arguments and environment, one file set per command.
set -u
name=config
[[ ${1:-} == remove ]] && name=config-remove
printf '%s\0' "$@" >"/record/$name.argv"  # config.sh always gets arguments
env -0 >"/record/$name.env"
exit "${STANDIN_CONFIG_EXIT:-0}"
