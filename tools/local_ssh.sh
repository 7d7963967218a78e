#!/bin/sh
# A stand-in for ssh, to rehearse a run across machines on one machine (docs/distributed.md):
#   mpirun --hostfile hosts --mca plm_rsh_agent tools/local_ssh.sh ...
# mpirun starts its daemon on each "remote" host with `AGENT HOST COMMAND...`; this runs
# COMMAND here, in a UTS namespace of its own whose hostname is HOST (unshare(1), as root), so
# each host's processes see their own hostname and reach the others over TCP, as on a cluster.
host=$1
shift
exec unshare --uts sh -c 'hostname "$0" && exec sh -c "$*"' "$host" "$@"
