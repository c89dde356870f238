// SPDX-License-Identifier: GPL-2.0
/*
 * The slot program (sgate_xdp_slot) as the kernel took it: no call
 * of bpf_xdp_adjust_head, _tail or _meta anywhere in its instructions,
 * global functions included, as the verifier requires of a program that
 * replaces a multi-program dispatcher's slot (bpf/fixed_frame.h).
 *
 * The instructions are the verifier's output (the xlated program), whose
 * helper calls name their target as an offset from __bpf_call_base;
 * /proc/kallsyms gives the helpers' addresses.  The same scan must find
 * the calls in sgate_xdp, or it proves nothing.
 *
 * And the rule itself, where the kernel has it (Linux >= 6.13): the
 * program loads as an extension replacing a dispatcher's slot
 * (dispatcher_slot.bpf.c), where sgate_xdp_skb is refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "sgate.skel.h"
#include "dispatcher_slot.skel.h"
#include "../lib/gate_run.h"

enum { HELPER_ADJUST_HEAD, HELPER_ADJUST_TAIL, HELPER_ADJUST_META,
       HELPER_STORE_BYTES, HELPERS };

static const char *const helper_names[HELPERS] = {
	"bpf_xdp_adjust_head",
	"bpf_xdp_adjust_tail",
	"bpf_xdp_adjust_meta",
	"bpf_xdp_store_bytes",
};

static struct gate gate;
static uint64_t call_base, helper_addr[HELPERS];

/* The kernel's addresses of __bpf_call_base and the helpers; 0 or -1. */
static int read_kallsyms(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char name[256], type;
	unsigned long long addr;
	int i;

	if (!f)
		return -1;
	while (fscanf(f, "%llx %c %255s%*[^\n]", &addr, &type, name) == 3) {
		if (!strcmp(name, "__bpf_call_base"))
			call_base = addr;
		for (i = 0; i < HELPERS; i++)
			if (!strcmp(name, helper_names[i]))
				helper_addr[i] = addr;
	}
	fclose(f);
	for (i = 0; i < HELPERS; i++)
		if (!helper_addr[i])
			return -1;
	return call_base ? 0 : -1;
}

/* How often program @prog calls each helper, its subprograms included. */
static void count_calls(const char *prog, unsigned calls[HELPERS])
{
	struct bpf_program *p =
		bpf_object__find_program_by_name(gate.skel->obj, prog);
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info), n, i;
	struct bpf_insn *insns;
	int fd, h;

	assert_non_null(p);
	fd = bpf_program__fd(p);
	assert_true(fd >= 0);
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	assert_true(info.xlated_prog_len > 0);
	n = info.xlated_prog_len / sizeof(*insns);
	insns = calloc(n, sizeof(*insns));
	assert_non_null(insns);
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = n * sizeof(*insns);
	info.xlated_prog_insns = (uint64_t)(uintptr_t)insns;
	len = sizeof(info);
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);

	memset(calls, 0, HELPERS * sizeof(calls[0]));
	for (i = 0; i < n; i++) {
		if (insns[i].code != (BPF_JMP | BPF_CALL) || insns[i].src_reg)
			continue;	/* not a helper call */
		for (h = 0; h < HELPERS; h++)
			if (call_base + (int64_t)insns[i].imm ==
			    helper_addr[h])
				calls[h]++;
	}
	free(insns);
}

static void test_native_program_resizes(void **state)
{
	unsigned calls[HELPERS];

	(void)state;
	count_calls("sgate_xdp", calls);
	/* write_meta(), send_synack() and send_hvr(), in global functions */
	assert_true(calls[HELPER_ADJUST_META] > 0);
	assert_true(calls[HELPER_ADJUST_TAIL] > 0);
}

static void test_slot_program_never_resizes(void **state)
{
	unsigned calls[HELPERS];

	(void)state;
	count_calls("sgate_xdp_slot", calls);
	assert_int_equal(calls[HELPER_ADJUST_HEAD], 0);
	assert_int_equal(calls[HELPER_ADJUST_TAIL], 0);
	assert_int_equal(calls[HELPER_ADJUST_META], 0);
	/* The scan sees into its global functions: zero_tail() is there. */
	assert_true(calls[HELPER_STORE_BYTES] > 0);
}

static char slot_log[4 << 20];

/*
 * The gate's program @prog alone, loaded as an extension replacing the
 * dispatcher's slot; 0 or -errno.  With @log, the verifier's words are in
 * slot_log.
 */
static int load_into_slot(const char *prog, bool log)
{
	struct dispatcher_slot_bpf *d = dispatcher_slot_bpf__open_and_load();
	struct sgate_bpf *g = sgate_bpf__open();
	struct bpf_program *p;
	int err;

	assert_non_null(d);
	assert_non_null(g);
	bpf_object__for_each_program(p, g->obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p),
						     prog));
	p = bpf_object__find_program_by_name(g->obj, prog);
	assert_non_null(p);
	assert_int_equal(bpf_program__set_type(p, BPF_PROG_TYPE_EXT), 0);
	/* SEC("xdp") set BPF_XDP, which the kernel refuses in an extension. */
	assert_int_equal(bpf_program__set_expected_attach_type(p, 0), 0);
	assert_int_equal(bpf_program__set_attach_target(
				 p, bpf_program__fd(d->progs.dispatcher),
				 "slot"),
			 0);
	slot_log[0] = 0;
	if (log) {
		bpf_program__set_log_buf(p, slot_log, sizeof(slot_log));
		bpf_program__set_log_level(p, 1);
	}
	err = sgate_bpf__load(g);
	sgate_bpf__destroy(g);
	dispatcher_slot_bpf__destroy(d);
	return err;
}

/*
 * Can an extension be loaded here at all?  The dispatcher's own program,
 * which resizes nothing, in place of its slot; 0 or -errno.
 */
static int probe_extensions(void)
{
	struct dispatcher_slot_bpf *d = dispatcher_slot_bpf__open_and_load();
	struct dispatcher_slot_bpf *e = dispatcher_slot_bpf__open();
	struct bpf_program *p;
	int err;

	assert_non_null(d);
	assert_non_null(e);
	p = e->progs.dispatcher;
	assert_int_equal(bpf_program__set_type(p, BPF_PROG_TYPE_EXT), 0);
	/* SEC("xdp") set BPF_XDP, which the kernel refuses in an extension. */
	assert_int_equal(bpf_program__set_expected_attach_type(p, 0), 0);
	assert_int_equal(bpf_program__set_attach_target(
				 p, bpf_program__fd(d->progs.dispatcher),
				 "slot"),
			 0);
	slot_log[0] = 0;
	bpf_program__set_log_buf(p, slot_log, sizeof(slot_log));
	bpf_program__set_log_level(p, 1);
	err = dispatcher_slot_bpf__load(e) ? -errno : 0;
	if (err)
		print_message("the kernel's log: %.2000s\n", slot_log);
	dispatcher_slot_bpf__destroy(e);
	dispatcher_slot_bpf__destroy(d);
	return err;
}

static void skip_without_extensions(void)
{
	int err = probe_extensions();

	if (err) {
		print_message("SKIP: this kernel loads no extension program "
			      "here, not even one that resizes nothing: %s\n",
			      strerror(-err));
		skip();
	}
}

static void test_slot_program_fits_a_slot(void **state)
{
	(void)state;
	skip_without_extensions();
	assert_int_equal(load_into_slot("sgate_xdp_slot", false), 0);
}

static void test_resizing_program_refused_by_a_slot(void **state)
{
	(void)state;
	skip_without_extensions();
	if (!load_into_slot("sgate_xdp_skb", true)) {
		print_message("SKIP: this kernel lets an extension resize the "
			      "frame (the rule came with Linux 6.13)\n");
		skip();
	}
	if (!strstr(slot_log, "changes packet data"))
		fail_msg("refused, but not for changing packet data: %.2000s",
			 slot_log);
}

static int setup(void **state)
{
	int err;

	(void)state;
	err = gate_load(&gate, true);
	if (err) {
		fprintf(stderr, "cannot load build/sgate.bpf.o: %s\n",
			strerror(-err));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gate_unload(&gate);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_program_resizes),
		cmocka_unit_test(test_slot_program_never_resizes),
		cmocka_unit_test(test_slot_program_fits_a_slot),
		cmocka_unit_test(test_resizing_program_refused_by_a_slot),
	};

	if (geteuid() != 0) {
		printf("SKIP: reading loaded programs needs root\n");
		return 77;
	}
	if (read_kallsyms()) {
		printf("SKIP: /proc/kallsyms shows no address of the XDP "
		       "helpers (kernel.kptr_restrict=0 shows them)\n");
		return 77;
	}
	return cmocka_run_group_tests_name("slot program", tests,
					   setup, teardown);
}
