// sgate status: every gate in this network namespace, from its pins and
// from what the kernel reports about the device.
#include <bpf/libbpf.h>
#include <cstdio>
#include <linux/if_link.h>
#include <net/if.h>
#include <optional>
#include <string>

#include "commands.h"
#include "exit_status.h"
#include "host_checks.h"
#include "key_mode.h"
#include "keyring.h"
#include "keys_format.h"
#include "module_client.h"
#include "pin_paths.h"
#include "pinned_gate.h"
#include "tc_ingress.h"

namespace sgate {

namespace {

std::string xdp_mode_of(unsigned ifindex, unsigned prog_id)
{
	bpf_xdp_query_opts query{};
	query.sz = sizeof query;
	if (bpf_xdp_query(static_cast<int>(ifindex), 0, &query))
		return "unknown";
	if (query.drv_prog_id == prog_id)
		return "native";
	if (query.skb_prog_id == prog_id)
		return "generic";
	if (query.hw_prog_id == prog_id)
		return "offload";
	return "not attached";
}

std::string features_text(__u32 features)
{
	std::string out;
	auto add = [&](__u32 bit, const char *name) {
		if (features & bit)
			out += out.empty() ? name : std::string(" ") + name;
	};
	add(SGATE_FEAT_SACK, "sack");
	add(SGATE_FEAT_TS, "timestamps");
	add(SGATE_FEAT_WSCALE, "wscale");
	add(SGATE_FEAT_ECN, "ecn");
	return out.empty() ? "none" : out;
}

std::string master_text(const sgate_master_key &m, std::uint64_t epoch, std::uint64_t epoch_ns,
                        std::uint64_t now_ns)
{
	if (m.first_epoch > epoch) {
		const double in = static_cast<double>(m.first_epoch * epoch_ns - now_ns) / 1e9;
		char text[96];
		std::snprintf(text, sizeof text, "from epoch %llu (pending, in %.1f s)",
		              static_cast<unsigned long long>(m.first_epoch), in);
		return text;
	}
	return "from epoch " + std::to_string(m.first_epoch);
}

void print_keyring(const PinnedGate &gate, const sgate_config &cfg)
{
	const __u32 slot = gate.key_selector();
	sgate_keyring ring;
	gate.read_keyring(slot, ring);
	const std::uint64_t now_ns = coarse_monotonic_ns();
	const std::uint64_t epoch = epoch_at(now_ns, cfg.epoch_ns);
	const double left = static_cast<double>((epoch + 1) * cfg.epoch_ns - now_ns) / 1e9;

	std::printf("  key mode:     %s\n", key_mode_text(KeyMode::map));
	std::printf("  keyring:      serial %llu, slot %u\n",
	            static_cast<unsigned long long>(ring.serial), slot);
	std::printf("  epoch:        %llu (next in %.1f s)\n",
	            static_cast<unsigned long long>(epoch), left);
	for (int i = 0; i < SGATE_KEYRING_MASTERS; i++) {
		const sgate_master_key &m = ring.m[i];
		if (master_in_use(m))
			std::printf("  master %d:     %s\n", i,
			            master_text(m, epoch, cfg.epoch_ns, now_ns).c_str());
	}
	wipe(ring);
}

// sgate.ko's view of this namespace, asked for once per status run: every
// module-mode gate here shares it.
struct ModuleView {
	std::optional<std::string> error;
	ModuleSettings settings;
	ModuleStats stats;
	std::vector<ModuleKey> keys;
};

ModuleView ask_module()
{
	ModuleView view;
	try {
		ModuleClient client;
		view.settings = client.settings();
		view.stats = client.stats();
		view.keys = client.keys();
	} catch (const Failure &f) {
		view.error = f.what();
	}
	return view;
}

// Module mode never writes key bytes into the map: say so if any are there.
void check_keys_map_empty(const PinnedGate &gate)
{
	for (__u32 slot = 0; slot < SGATE_KEYRING_SLOTS; slot++) {
		sgate_keyring ring;
		gate.read_keyring(slot, ring);
		bool in_use = false;
		for (const auto &m : ring.m)
			in_use = in_use || master_in_use(m);
		wipe(ring);
		if (in_use)
			std::printf(
			        "  WARNING:      slot %u of the keys map holds a key, which module "
			        "mode never writes there: detach and attach again\n",
			        slot);
	}
}

void print_module_ring(const PinnedGate &gate, const sgate_config &cfg, const ModuleView &m)
{
	std::printf("  key mode:     %s\n", key_mode_text(KeyMode::module));
	check_keys_map_empty(gate);
	if (m.error) {
		std::printf("  module:       unavailable: %s\n", m.error->c_str());
		return;
	}
	const std::uint64_t epoch_ns = m.settings.epoch_seconds * 1000000000ULL;
	const std::uint64_t now_ns = coarse_monotonic_ns();
	const double left =
	        static_cast<double>((epoch_at(now_ns, epoch_ns) + 1) * epoch_ns - now_ns) / 1e9;
	std::printf("  key period:   %u s (sgate.ko's epoch length)", m.settings.epoch_seconds);
	if (cfg.epoch_ns != epoch_ns)
		std::printf(", changed since attach (then %llu s)",
		            static_cast<unsigned long long>(cfg.epoch_ns / 1000000000ULL));
	std::printf("\n  module ring:  serial %llu, one for this whole network namespace\n",
	            static_cast<unsigned long long>(m.stats.serial));
	std::printf("  epoch:        %llu (next in %.1f s)\n",
	            static_cast<unsigned long long>(m.stats.epoch), left);
	if (m.settings.rotate_seconds)
		std::printf("  rotation:     every %u s by sgate.ko's timer\n",
		            m.settings.rotate_seconds);
	else
		std::printf("  rotation:     sgate.ko's timer is off: only 'sgate rotate'\n");
	for (const auto &k : m.keys)
		std::printf("  key %-9llu from epoch %llu, %s, %s, age %s\n",
		            static_cast<unsigned long long>(k.id),
		            static_cast<unsigned long long>(k.first_epoch), key_state_name(k.state),
		            key_origin_name(k.origin), format_age(k.age_ms).c_str());
}

void print_gate(const std::string &root, const std::string &device,
                std::optional<ModuleView> &module)
{
	std::printf("%s\n", device.c_str());
	try {
		PinnedGate gate(root, device);
		const sgate_config cfg = gate.config();
		const XdpLinkInfo link = xdp_link_info(gate.xdp_link_fd());
		const unsigned tc_prog = prog_id_of(gate.tc_prog_fd());

		if (link.ifindex) {
			char name[IF_NAMESIZE] = "?";
			if_indextoname(link.ifindex, name);
			std::printf("  ifindex:      %u%s\n", link.ifindex,
			            device == name
			                    ? ""
			                    : (std::string(" (now named ") + name + ")").c_str());
			std::printf("  xdp:          %s, prog id %u, link id %u\n",
			            xdp_mode_of(link.ifindex, link.prog_id).c_str(), link.prog_id,
			            link.link_id);
			const unsigned tc_found = tc_ingress_prog_id(link.ifindex);
			std::printf("  tc ingress:   prog id %u%s\n", tc_prog,
			            tc_found == tc_prog ? "" : " (not attached!)");
		} else {
			std::printf("  device gone:  its programs went with it; 'sgate detach %s' "
			            "removes the pins\n",
			            device.c_str());
		}
		std::printf("  ports:        %s\n",
		            format_port_list(PortBitmap(std::to_array(cfg.ports))).c_str());
		std::printf("  mss:          v4 %u, v6 %u\n", cfg.mss_v4, cfg.mss_v6);
		std::printf("  syn window:   %u, window scale %u\n", cfg.syn_window,
		            cfg.rcv_wscale);
		std::printf("  features:     %s\n", features_text(cfg.features).c_str());
		if (gate.key_mode() == KeyMode::module) {
			if (!module)
				module = ask_module();
			print_module_ring(gate, cfg, *module);
			return;
		}
		std::printf("  key period:   %llu s\n",
		            static_cast<unsigned long long>(cfg.epoch_ns / 1000000000ULL));
		print_keyring(gate, cfg);
	} catch (const Failure &f) {
		std::printf("  damaged:      %s\n", f.what());
	}
}

} // namespace

void run_status(const Invocation &inv)
{
	require_root();
	const std::string root = pin_root(inv.pin_root);
	const auto devices = gate_devices(root);
	if (devices.empty()) {
		std::printf("no gates in this network namespace (netns inode %llu, pin root %s)\n",
		            static_cast<unsigned long long>(netns_inode()), root.c_str());
		return;
	}
	std::optional<ModuleView> module; // asked for at the first module-mode gate
	for (std::size_t i = 0; i < devices.size(); i++) {
		if (i)
			std::printf("\n");
		print_gate(root, devices[i], module);
	}
}

} // namespace sgate
