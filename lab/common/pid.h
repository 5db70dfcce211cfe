#pragma once
// Leftovers named after the process that made them (scratch disks, cache staging directories,
// libvirt domains and volumes) are removed by the next bootlab once that process is gone.
#include <cerrno>
#include <csignal>
#include <sys/types.h>

namespace bootlab {

// True if no process has this pid any more (a process of another user still counts as there).
inline bool pid_gone(pid_t pid) { return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH; }

} // namespace bootlab
