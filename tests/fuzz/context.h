/* SPDX-License-Identifier: GPL-2.0 */
/* What the fuzzer puts in the gate's maps for a run of frames. */
#ifndef SGATE_FUZZ_CONTEXT_H
#define SGATE_FUZZ_CONTEXT_H

#include <stdint.h>
#include <string.h>

#include "sgate/abi.h"

/* Which of the fuzzer's two loaded gates runs the frames. */
enum { CONTEXT_IPV6 = 0, CONTEXT_NO_IPV6 = 1 };

/* Everything the program reads besides the frame. */
struct context {
	int inst;			/* CONTEXT_IPV6 or CONTEXT_NO_IPV6 */
	struct sgate_config cfg;
	struct sgate_keyring ring[2];
	uint32_t sel;
	uint32_t meta_len;
};

static inline void ring_empty(struct sgate_keyring *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < SGATE_KEYRING_MASTERS; i++)
		r->m[i].first_epoch = ~0ULL;
}

#endif
