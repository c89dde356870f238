// Pins a vanished network namespace left behind.  A namespace's devices go
// with it (or return to the initial namespace), and the tcx links of their
// gates then hold no device.  A namespace directory under the pin root
// none of whose gates has a link that still holds a device belongs to no
// live gate: without this, its pins (in map mode its keys) would stay
// forever; so would libxdp's pins of the dispatchers that held their XDP
// programs.  attach and status remove such directories of other namespaces;
// this namespace's own gates are reported by status and removed by detach.
#pragma once

#include <string>
#include <vector>

namespace sgate {

// Removes them; call with the pin root locked (lock_pin_root()), so that no
// attach under way, whose links are not made yet, looks vanished.  Returns
// the directories removed; what cannot be removed is left for a later run.
std::vector<std::string> remove_stale_namespaces(const std::string &root);

// One note on stderr for each directory removed.
void note_stale_removed(const std::vector<std::string> &removed);

} // namespace sgate
