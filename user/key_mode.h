// Where a gate's keys live.  Map mode: in the gate's BPF map, written by the
// agent.  Module mode: inside sgate.ko, which makes and checks every cookie
// through its kfuncs, so no key byte is ever in a map.  attach picks the
// mode once, from sysfs; the sysfs root is a parameter so that the unit
// tests can hand in a fake one.
#pragma once

#include <string>

namespace sgate {

enum class KeyMode { map, module };

inline constexpr const char *kSysfsRoot = "/sys";

// What `status` prints after "key mode:".
const char *key_mode_text(KeyMode mode);

// The one-word name used in JSON.
const char *key_mode_name(KeyMode mode);

// Module mode when sgate.ko is loaded (@sysfs/module/sgate exists).
KeyMode select_key_mode(const std::string &sysfs = kSysfsRoot);

// Module mode needs the module's BTF: without it the kernel registered no
// kfuncs, and the gate's programs could not call them (Exit::kernel_unsupported).
void require_module_btf(const std::string &sysfs = kSysfsRoot);

} // namespace sgate
