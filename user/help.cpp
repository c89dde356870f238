// The --help and --version texts of cli.h, kept apart from the parser for
// their length.
#include "cli.h"
#include "gate_config.h"
#include "xdp_hook.h"

namespace sgate {

namespace {

// The top-level VERSION file, passed by the Makefile, is the one place the
// version is written: the packages take theirs from it too.
#ifndef SGATE_VERSION
#error "SGATE_VERSION is not defined: build with the top-level Makefile, which reads it from VERSION"
#endif
constexpr const char *kVersion = SGATE_VERSION;

const char kExitStatuses[] = R"(
Exit status:
  0  success
  1  other failure (the message says what failed)
  2  usage error: unknown command or option, missing or malformed argument,
     number out of range, port outside 1-65535, empty port list
  3  not run as root
  4  no such network device in this network namespace
  5  sgate already guards the device
  6  the device's XDP hook holds a program the gate cannot run beside (one
     attached without libxdp's dispatcher, or in the other XDP mode)
  7  kernel lacks support (BTF, bpf_sk_assign_tcp_reqsk(): Linux >= 6.9),
     or sgate.ko is loaded without BTF
  8  net.ipv4.tcp_syncookies is 0
  9  sgate does not guard the device (or, with no device named, any device)
 10  a gate in module key mode needs sgate.ko, but its generic netlink
     family "sgate" is missing: insmod kmod/sgate.ko (make -C kmod builds it)
 11  status: a gate does not work as attached (damaged pins, its device
     gone, its XDP program not in the device's XDP hook, or its TC link
     missing or detached); the report says which
)";

const char kGlobalOptions[] = R"(
Global options (before or after the command):
  --pin-root DIR  where gates are pinned; default $SGATE_PIN_ROOT, or
                  /sys/fs/bpf/sgate (under 'ip netns exec', which hides
                  the bpf filesystem there, the one of the namespace
                  sgate was started from).  Each gate lives in
                  DIR/<netns cookie>/<device>/ (SO_NETNS_COOKIE, never
                  reused).  attach and status remove the directories of
                  other namespaces none of whose gates still holds a
                  device: what a deleted namespace left.
  --help, -h      show help (of the command, if one is named)
  --version, -V   show the version
)";

const char kOverview[] = R"(Usage: sgate [--pin-root DIR] COMMAND [ARGS...]

sgate guards TCP ports with stateless SYN cookies at XDP: SYNs to protected
ports are answered by an XDP program without any state; only a client that
returns a valid cookie in its final ACK reaches the TCP stack, which then
builds the connection as if it had answered the SYN itself.

Commands:
  attach DEV --ports LIST   start guarding ports on a device (--dtls-ports
                            LIST: DTLS HelloVerifyRequests at XDP)
  detach DEV                stop guarding a device
  status                    show every gate in this network namespace (--json)
  rotate [DEV]              replace the cookie key (all gates if no DEV)
  stats [DEV]               show the gate's counters (--json, --watch N)
  keys [DEV]                list the cookie keys, never their bytes (--json)
  run [--config FILE]       the service: guard the devices a config file
                            names, rotate keys, serve metrics (systemd)

Key modes: with sgate.ko loaded when a gate is attached, the module holds
the keys and makes and checks every cookie ("module" mode); otherwise the
keys are in the gate's BPF map ("map" mode).  A gate keeps its mode.

Run 'sgate COMMAND --help' for a command's options.
All commands need root.  SGATE_DEBUG=1 shows libbpf's debug output.
)";

// The limits and defaults come from the definitions the parser and the
// gate use, so the text cannot drift from what they accept.
std::string attach_text()
{
	const auto n = [](unsigned value) { return std::to_string(value); };
	return R"(Usage: sgate attach DEV --ports LIST [--dtls-ports LIST] [OPTIONS]

Guard TCP ports on network device DEV: load the XDP program that answers
SYNs with cookie SYN-ACKs and checks final ACKs, and the TC ingress program
that hands verified connections to the TCP stack.  The TC program is a tcx
ingress link the gate owns (Linux >= 6.6), ahead of any other tcx program
there, so resetting the device's tc setup does not remove it.  The XDP
program shares the device's XDP hook with other programs through libxdp's
dispatcher (pinned by libxdp under /sys/fs/bpf/xdp), at run priority )" +
	       n(kXdpRunPriority) + R"(:
after filters such as xdp-filter (10) and programs at libxdp's default
(50), so that what they drop is never answered; its XDP_PASS goes on to the
next program.  Where the kernel refuses the full program in the
dispatcher's slots (Linux >= 6.13 or 6.12 stable, libxdp older than
1.5.5), the gate runs its slot program there (see --xdp-hook).  Where the
kernel cannot run the dispatcher at all (it refuses freplace programs: too
old, or kernel lockdown), the gate's program is attached alone, and attach
says so.  The gate stays in place after sgate
exits (it is pinned under the pin root) until 'sgate detach DEV'.  The TC
program is also attached to every VLAN device above DEV, where QinQ
handshakes are handed off; VLAN devices made later need a new attach
('sgate status' names them).

Key mode: module if sgate.ko is loaded (/sys/module/sgate exists), else
map.  In module mode the keys stay inside sgate.ko, which makes and checks
every cookie; the gate's keys map holds no key, and the epoch length is the
module's, shared by every gate in this network namespace.

Checks, in order: root; DEV exists in this network namespace; the kernel
has bpf_sk_assign_tcp_reqsk() (Linux >= 6.9); in module mode, sgate.ko has
BTF (/sys/kernel/btf/sgate) and answers on generic netlink;
net.ipv4.tcp_syncookies is not 0; sgate does not guard DEV yet; DEV's XDP
hook is empty or holds libxdp's dispatcher in the mode asked for (a program
attached there alone, e.g. by 'ip link set dev DEV xdp obj ...', cannot
share it: load it with 'xdp-loader load' instead, or remove it); with
--xdp-hook alone, it is empty.  If a
later step fails, everything done so far is undone.

Options:
  --ports LIST        protected TCP ports, comma-separated, ranges allowed:
                      80,443,1000-1010 (ports 1-65535)
  --dtls-ports LIST   protected UDP ports of DTLS servers, in the same form:
                      a DTLS 1.0/1.2 ClientHello without a valid cookie is
                      answered at XDP with a HelloVerifyRequest, statelessly
                      (in both key modes).  attach needs --ports,
                      --dtls-ports or both
  --xdp-mode MODE     auto (the default: native where the device's driver
                      has XDP, else generic), native (driver) or generic
                      (any device, slower); attach says which it took
  --xdp-hook HOW      shared (the default): the gate runs at priority 60 in
                      libxdp's dispatcher, after filters such as xdp-filter,
                      and other XDP programs may join before or after it.
                      Where the kernel refuses the gate's full program in
                      an older libxdp's slots (Linux >= 6.13 or 6.12 stable
                      with libxdp < 1.5.5), it runs sgate_xdp_slot there:
                      TC verifies each cookie again, replies are padded to
                      the request's length.  alone: the full program holds
                      the hook by itself; other XDP programs are refused
  --mss N             advertise at most N ()" +
	       n(kMinMss) + "-" + n(kMaxMss) +
	       R"() as MSS; default MTU-40
                      for IPv4 and MTU-60 for IPv6 (never below )" +
	       n(kMinMssV4) + "/" + n(kMinMssV6) +
	       R"()
  --key-period SECS   how long each epoch lasts, )" +
	       n(SGATE_MIN_EPOCH_SECONDS) + "-" + n(SGATE_MAX_EPOCH_SECONDS) +
	       R"(; a cookie is valid in
                      its epoch and the next one.  Map mode: this gate's,
                      default )" +
	       n(SGATE_DEFAULT_EPOCH_SECONDS) + R"(.  Module mode: sets sgate.ko's epoch length
                      (default: keep it), which renumbers the epochs of the
                      whole network namespace: handshakes in flight at that
                      moment, on every module-mode gate here, must start
                      again

Window scale, SACK, timestamps and ECN follow this network namespace's
sysctls (net.ipv4.tcp_*), as the TCP stack's own SYN-ACKs would.
On veth, XDP_TX needs an XDP program on the peer device too.

Example:
  sgate attach eth0 --ports 80,443 --key-period 30
)";
}

const char kDetach[] = R"(Usage: sgate detach DEV

Stop guarding DEV: take the gate's program out of DEV's XDP hook (the
other programs in libxdp's dispatcher stay; libxdp removes the dispatcher
with its last program), detach the tcx links sgate attached (other tcx
programs stay), and remove their pins and the pinned maps.  Connections
already established are not affected.  Works after DEV itself is gone, to
clean up its pins.

Example:
  sgate detach eth0
)";

const char kStatus[] = R"(Usage: sgate status [--json]

Show every gate in the current network namespace: device and ifindex, XDP
mode, protected ports, MSS for IPv4 and IPv6, SYN-ACK window and window
scale, features, key period, key mode, keyring serial, current epoch, the
key schedule (never key bytes) and program ids.  Key mode "map": keys in
the gate's BPF map.  Key mode "module": keys in sgate.ko, which is asked
for its epoch, ring serial, rotation period and key list.  Prints a note
and exits 0 when there are none.

The XDP lines name the gate's program (sgate_xdp, sgate_xdp_skb, or
sgate_xdp_slot in a dispatcher that refuses those) and the programs that
run before and after it in libxdp's dispatcher; the hand-off line says how
verified final ACKs reach TC.  A gate whose XDP program no longer runs in DEV's XDP
hook (unloaded or removed by another tool), or whose TC link is missing
(its pin removed) or detached, is marked BROKEN with the fix: 'sgate
detach DEV', then attach again.  Status then exits 11, as it does for a
damaged gate or one whose device is gone.  A VLAN device above DEV made
after attach is named NOT COVERED (QinQ handshakes through it fail)
without failing the status.

Options:
  --json    the same facts as one JSON object on one line: pin_root,
            netns_cookie, and gates, each with broken, its links, config,
            key mode and schedule (Documentation/json.md)

Example:
  sgate status
)";

const char kRotate[] = R"(Usage: sgate rotate [DEV]

Replace the cookie key of DEV's gate, or of every gate in this network
namespace if DEV is omitted.  The new key signs from the next epoch on, so
no handshake in flight changes key, and the key it replaces still checks
cookies until the end of that next epoch; older keys are wiped.  Run it
from cron or a timer as often as you want keys replaced.

In module mode sgate.ko keeps one key ring per network namespace, not per
device: it is rotated once, whichever module-mode gates are named, and
sgate.ko's own timer may rotate it too (see 'sgate status').

Example:
  sgate rotate eth0
)";

std::string stats_text()
{
	return R"(Usage: sgate stats [DEV] [--json | --prometheus] [--watch SECS]

Show the counters of DEV's gate, or of every gate in this network namespace,
summed over all CPUs: every packet is counted once by the XDP program and
once by the TC program, under the decision taken.  If a gate is in module
mode, also sgate.ko's counters for this network namespace: rotations (by
request, by its timer), keys installed, and cookies made, checked and
found valid by its kfuncs.

Options:
  --json          one JSON object keyed by device, each holding every
                  counter by name (the table shows only nonzero ones);
                  a module-mode gate's also holds "module": sgate.ko's
                  epoch, serial and counters (the same in each such gate)
  --watch SECS    redraw every SECS seconds (1-)" +
	       std::to_string(kMaxWatchSeconds) + R"() with per-second rates
                  until interrupted (Ctrl-C); with --json, one object per
                  line each time
  --prometheus    print once what sgate run serves on its metrics endpoint:
                  the Prometheus text format, every counter with labels
                  device, netns and key_mode (Documentation/service.md)
  (default: print once, as a table)

Example:
  sgate stats eth0 --watch 1
)";
}

const char kKeys[] = R"(Usage: sgate keys [DEV] [--json]

List the cookie keys of DEV's gate, or of every gate in this network
namespace: for each key its id, the first epoch it signs, its age, its
state and its origin.  Never the key bytes.

States: pending (signs from its first epoch on), current (signs now),
previous (checks the cookies of the last epoch), retiring (kept until the
ring next changes).  Origins: random, installed (a key given to sgate.ko).

Map mode: the live ring in the gate's keys map; the id is the key's place
in the ring (0 newest), the age is not recorded ("-"), every key random.
Module mode: sgate.ko's ring, one for the whole network namespace, listed
once for all module-mode gates; ids are the module's key serial numbers.

Options:
  --json    one JSON object keyed by device: key_mode, epoch, serial and
            keys (id, first_epoch, age_ms or null, state, origin)

Example:
  sgate keys eth0 --json
)";

const char kRun[] = R"(Usage: sgate run [--config FILE] [--check-config]

The service, in the foreground (systemd Type=notify): guard every device
the config file names, as 'sgate attach' would, or adopt the gate already
pinned there, changing what differs from the config (the ports in place,
so no handshake in flight is lost; anything else by attaching anew); then
tell systemd READY=1, rotate map-mode keys every key period (sgate.ko
rotates module-mode keys itself) and serve Prometheus metrics on
metrics_listen.  The log goes to stderr, or with fields to the journal.

Signals:
  SIGHUP   read the config again and apply the difference: ports changed
           in place, devices added attached, devices removed detached.  A
           config with an error is refused, logged, and the old one kept.
  SIGTERM  stop; the gates stay attached and keep guarding (unless
           detach_on_stop = true), so a restart drops no connection.

Options:
  --config FILE    the config file (TOML); default /etc/sgate/sgate.conf.
                   sgate.conf(5) and Documentation/service.md describe it.
  --check-config   only check the file, naming the line and column of any
                   error; needs no root

Example:
  sgate run --check-config --config /etc/sgate/sgate.conf
)";

std::string command_text(Command command)
{
	switch (command) {
	case Command::attach:
		return attach_text();
	case Command::detach:
		return kDetach;
	case Command::status:
		return kStatus;
	case Command::rotate:
		return kRotate;
	case Command::stats:
		return stats_text();
	case Command::keys:
		return kKeys;
	case Command::run:
		return kRun;
	case Command::none:
		break;
	}
	return kOverview;
}

} // namespace

std::string help_text(Command command)
{
	return command_text(command) + kGlobalOptions + kExitStatuses;
}

std::string version_text()
{
	return std::string("sgate ") + kVersion + " (pinned-map ABI " +
	       std::to_string(SGATE_ABI_VERSION) + ")\n";
}

} // namespace sgate
