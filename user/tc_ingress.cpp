#include "tc_ingress.h"

#include <bpf/libbpf.h>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "exit_status.h"
#include "libbpf_quiet.h"

namespace sgate {

namespace {

bpf_tc_hook ingress_hook(unsigned ifindex)
{
	bpf_tc_hook hook{};
	hook.sz = sizeof hook;
	hook.ifindex = static_cast<int>(ifindex);
	hook.attach_point = BPF_TC_INGRESS;
	return hook;
}

bpf_tc_opts filter_slot()
{
	bpf_tc_opts opts{};
	opts.sz = sizeof opts;
	opts.handle = kTcHandle;
	opts.priority = kTcPriority;
	return opts;
}

} // namespace

bool create_clsact(unsigned ifindex, const std::string &device)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	int err;
	{
		// An existing qdisc makes the kernel complain, and libbpf
		// prints that; for us it is the expected, fine case.
		LibbpfQuiet quiet;
		err = bpf_tc_hook_create(&hook);
	}
	if (err == -EEXIST)
		return false;
	if (err)
		throw Failure(Exit::failure, "cannot create the clsact qdisc on " + device + ": " +
		                                     errno_text(err));
	return true;
}

void destroy_clsact(unsigned ifindex)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
	LibbpfQuiet quiet;
	bpf_tc_hook_destroy(&hook);
}

void attach_tc_ingress(unsigned ifindex, const std::string &device, int prog_fd)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	bpf_tc_opts opts = filter_slot();
	opts.prog_fd = prog_fd;
	int err = bpf_tc_attach(&hook, &opts);
	if (err == -EEXIST) {
		char slot[64];
		std::snprintf(slot, sizeof slot, "(handle 0x%x, priority %u)", kTcHandle,
		              kTcPriority);
		throw Failure(Exit::failure, "a TC ingress filter already uses sgate's slot " +
		                                     std::string(slot) + " on " + device +
		                                     ": see 'tc filter show dev " + device +
		                                     " ingress'");
	}
	if (err)
		throw Failure(Exit::failure, "cannot attach the TC ingress program to " + device +
		                                     ": " + errno_text(err));
}

void detach_tc_ingress(unsigned ifindex)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	bpf_tc_opts opts = filter_slot();
	LibbpfQuiet quiet;
	bpf_tc_detach(&hook, &opts);
}

unsigned tc_ingress_prog_id(unsigned ifindex)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	bpf_tc_opts opts = filter_slot();
	LibbpfQuiet quiet;
	return bpf_tc_query(&hook, &opts) ? 0 : opts.prog_id;
}

} // namespace sgate
