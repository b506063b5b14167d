// Which process owns a `running` run, and whether it still exists. A pid alone is not an identity:
// after a crash the pid can be handed to an unrelated process, so the identity is the pid plus the
// process's start time (clock ticks after boot, /proc/PID/stat field 22).
#pragma once

namespace dora::store {

struct ProcessIdentity {
    long long pid = 0;
    long long start_time = 0;  // 0 where /proc is not available: then the pid alone decides
};

ProcessIdentity process_identity_self();

// True while the process `who` names is still running (a zombie has ended: it is only waiting to be
// reaped). A pid of 0 or below is never alive.
bool process_is_alive(const ProcessIdentity& who);

}  // namespace dora::store
