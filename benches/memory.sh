# Sourced by the bench scripts: the server's resident memory (issue 12: budget 150 MB).
#   memory PID LABEL   appends "LABEL: resident now N MB, peak since start M MB" to
#                      $out/memory.txt and prints it. The peak (VmHWM) is the most the
#                      process has ever held, so read after a load it is that load's peak.
memory() {
  local pid="$1" label="$2"
  awk -v label="$label" '
    /^VmRSS:/ { now = $2 } /^VmHWM:/ { peak = $2 }
    END { printf "memory %s: resident now %.1f MB, peak since start %.1f MB\n", label, now / 1024, peak / 1024 }
  ' "/proc/$pid/status" | tee -a "$out/memory.txt"
}
