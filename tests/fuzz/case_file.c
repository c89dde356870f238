// SPDX-License-Identifier: GPL-2.0
/*
 * Regression case files (tests/fuzz/regress/, NAME.case): what the fuzzer saves
 * when the program and the model disagree, and replays before anything
 * else on every run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/clock.h"
#include "case_file.h"
#include "gen.h"

void write_case(const char *path, const struct context *c,
		       const uint8_t *frame, size_t len, const char *note)
{
	uint64_t e = c->cfg.epoch_ns ? coarse_ns() / c->cfg.epoch_ns : 0;
	FILE *f = fopen(path, "w");
	unsigned p, s, i;
	size_t k;

	if (!f)
		return;
	fprintf(f, "# sgate differential fuzz case\n# %s\n", note);
	fprintf(f, "ipv6_enabled %d\nfeatures %u\nmss_v4 %u\nmss_v6 %u\n",
		c->inst == CONTEXT_IPV6, c->cfg.features, c->cfg.mss_v4,
		c->cfg.mss_v6);
	fprintf(f, "syn_window %u\nrcv_wscale %u\nepoch_ns %llu\nmeta_len %u\nsel %u\n",
		c->cfg.syn_window, c->cfg.rcv_wscale,
		(unsigned long long)c->cfg.epoch_ns, c->meta_len, c->sel);
	fprintf(f, "mac %02x%02x%02x%02x%02x%02x\n", c->cfg.mac[0], c->cfg.mac[1],
		c->cfg.mac[2], c->cfg.mac[3], c->cfg.mac[4], c->cfg.mac[5]);
	fprintf(f, "ports");
	for (p = 0; p < 65536; p++)
		if ((c->cfg.ports[p / 32] >> (p % 32)) & 1) {
			for (i = p; i + 1 < 65536 && ((c->cfg.ports[(i + 1) / 32] >> ((i + 1) % 32)) & 1); i++)
				;
			if (i > p)
				fprintf(f, " %u-%u", p, i);
			else
				fprintf(f, " %u", p);
			p = i;
		}
	fprintf(f, "\n");
	fprintf(f, "dtls_enabled %u\ndtls_ports", c->cfg.dtls_enabled);
	for (p = 0; p < 65536; p++)
		if ((c->cfg.dtls_ports[p / 32] >> (p % 32)) & 1) {
			for (i = p; i + 1 < 65536 &&
				    ((c->cfg.dtls_ports[(i + 1) / 32] >> ((i + 1) % 32)) & 1); i++)
				;
			if (i > p)
				fprintf(f, " %u-%u", p, i);
			else
				fprintf(f, " %u", p);
			p = i;
		}
	fprintf(f, "\n");
	for (s = 0; s < 2; s++)
		for (i = 0; i < SGATE_KEYRING_MASTERS; i++) {
			const struct sgate_master_key *m = &c->ring[s].m[i];

			fprintf(f, "key %u %u ", s, i);
			for (k = 0; k < 16; k++)
				fprintf(f, "%02x", ((const uint8_t *)m->key.k)[k]);
			if (m->first_epoch == ~0ULL)
				fprintf(f, " none\n");
			else
				fprintf(f, " rel %lld\n",
					(long long)(m->first_epoch - e));
		}
	fprintf(f, "frame ");
	for (k = 0; k < len; k++)
		fprintf(f, "%02x", frame[k]);
	fprintf(f, "\n");
	fclose(f);
}

int read_case(const char *path, struct context *c, uint8_t *frame,
		     size_t *len)
{
	char line[16384], word[64];
	FILE *f = fopen(path, "r");
	struct {
		unsigned s, i;
		long long rel;
		int none;
	} keys[6];
	int nkeys = 0, k;
	uint64_t e;

	if (!f)
		return -1;
	memset(c, 0, sizeof(*c));
	c->cfg.abi_version = SGATE_ABI_VERSION;
	ring_empty(&c->ring[0]);
	ring_empty(&c->ring[1]);
	*len = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned v;
		unsigned long long u;

		if (line[0] == '#' || sscanf(line, "%63s", word) != 1)
			continue;
		if (sscanf(line, "ipv6_enabled %u", &v) == 1)
			c->inst = v ? CONTEXT_IPV6 : CONTEXT_NO_IPV6;
		else if (sscanf(line, "features %u", &v) == 1)
			c->cfg.features = v;
		else if (sscanf(line, "mss_v4 %u", &v) == 1)
			c->cfg.mss_v4 = (uint16_t)v;
		else if (sscanf(line, "mss_v6 %u", &v) == 1)
			c->cfg.mss_v6 = (uint16_t)v;
		else if (sscanf(line, "syn_window %u", &v) == 1)
			c->cfg.syn_window = (uint16_t)v;
		else if (sscanf(line, "rcv_wscale %u", &v) == 1)
			c->cfg.rcv_wscale = (uint8_t)v;
		else if (sscanf(line, "epoch_ns %llu", &u) == 1)
			c->cfg.epoch_ns = u;
		else if (sscanf(line, "meta_len %u", &v) == 1)
			c->meta_len = v;
		else if (sscanf(line, "sel %u", &v) == 1)
			c->sel = v;
		else if (sscanf(line, "dtls_enabled %u", &v) == 1)
			c->cfg.dtls_enabled = v;
		else if (!strcmp(word, "mac")) {
			unsigned b, x;

			for (b = 0; b < 6; b++)
				if (sscanf(line + 4 + 2 * b, "%2x", &x) == 1)
					c->cfg.mac[b] = (uint8_t)x;
		} else if (!strcmp(word, "ports") || !strcmp(word, "dtls_ports")) {
			__u32 *bits = word[0] == 'd' ? c->cfg.dtls_ports : c->cfg.ports;
			char *tok = strtok(line + strlen(word), " \n");

			for (; tok; tok = strtok(NULL, " \n")) {
				unsigned a, b, p;

				if (sscanf(tok, "%u-%u", &a, &b) != 2)
					b = a = (unsigned)atoi(tok);
				for (p = a; p <= b && p < 65536; p++)
					bits[p / 32] |= 1U << (p % 32);
			}
		} else if (!strcmp(word, "key") && nkeys < 6) {
			char hex[40], how[8];
			unsigned s, i, b;
			long long rel = 0;

			if (sscanf(line, "key %u %u %32s %7s %lld", &s, &i, hex,
				   how, &rel) < 4 || s > 1 || i > 2)
				continue;
			for (b = 0; b < 16; b++) {
				unsigned x;

				sscanf(hex + 2 * b, "%2x", &x);
				((uint8_t *)c->ring[s].m[i].key.k)[b] = (uint8_t)x;
			}
			keys[nkeys].s = s;
			keys[nkeys].i = i;
			keys[nkeys].rel = rel;
			keys[nkeys].none = !strcmp(how, "none");
			nkeys++;
		} else if (!strcmp(word, "frame")) {
			const char *h = line + 6;

			while (h[0] && h[1] && h[0] != '\n' && *len < GEN_FRAME_MAX) {
				unsigned x;

				sscanf(h, "%2x", &x);
				frame[(*len)++] = (uint8_t)x;
				h += 2;
			}
		}
	}
	fclose(f);
	e = c->cfg.epoch_ns ? coarse_ns() / c->cfg.epoch_ns : 0;
	for (k = 0; k < nkeys; k++) {
		long long fe = (long long)e + keys[k].rel;

		c->ring[keys[k].s].m[keys[k].i].first_epoch =
			keys[k].none ? ~0ULL : fe < 0 ? 0 : (uint64_t)fe;
	}
	return 0;
}
