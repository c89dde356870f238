// SPDX-License-Identifier: GPL-2.0
/*
 * Puts tcx_count.bpf.o on a device's tcx ingress hook as another tool
 * would, behind the programs already there, and reads its count
 * (tests/e2e/test_xdp_neighbours.sh).  Its link and counter are pinned in
 * DIR; removing DIR takes the program off the device.
 *
 *   tcx_count attach DEV OBJ DIR   in the caller's network namespace
 *   tcx_count read DIR             prints the packets it has seen
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* BPF_TCX_INGRESS of the kernel's UAPI (Linux >= 6.6), newer than
 * Debian 12's headers. */
#define TCX_INGRESS 46

static int attach(const char *dev, const char *path, const char *dir)
{
	char pin[4096];
	unsigned int ifindex = if_nametoindex(dev);
	struct bpf_object *obj;
	struct bpf_map *bss;
	int link;

	if (!ifindex) {
		fprintf(stderr, "no device %s\n", dev);
		return 1;
	}
	obj = bpf_object__open_file(path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s: %s\n", path, strerror(errno));
		return 1;
	}
	link = bpf_link_create(bpf_program__fd(bpf_object__next_program(obj, NULL)), ifindex,
			       TCX_INGRESS, NULL);
	if (link < 0) {
		fprintf(stderr, "cannot attach to %s's tcx ingress: %s\n", dev, strerror(errno));
		return 1;
	}
	bss = bpf_object__next_map(obj, NULL);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return perror(dir), 1;
	snprintf(pin, sizeof(pin), "%s/link", dir);
	if (bpf_obj_pin(link, pin))
		return perror(pin), 1;
	snprintf(pin, sizeof(pin), "%s/count", dir);
	if (!bss || bpf_obj_pin(bpf_map__fd(bss), pin))
		return perror(pin), 1;
	bpf_object__close(obj);
	return 0;
}

static int read_count(const char *dir)
{
	char pin[4096];
	unsigned long long seen = 0;
	unsigned int zero = 0;
	int map;

	snprintf(pin, sizeof(pin), "%s/count", dir);
	map = bpf_obj_get(pin);
	if (map < 0 || bpf_map_lookup_elem(map, &zero, &seen))
		return perror(pin), 1;
	printf("%llu\n", seen);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "attach"))
		return attach(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "read"))
		return read_count(argv[2]);
	fprintf(stderr, "usage: tcx_count attach DEV OBJ DIR | tcx_count read DIR\n");
	return 2;
}
