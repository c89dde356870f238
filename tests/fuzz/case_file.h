/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A case is text: the context, then the frame in hex.  Key first epochs
 * are stored relative to the epoch the case was found in ("rel -1"), so a
 * replay at any time sees the same ring shape.
 */
#ifndef SGATE_FUZZ_CASE_FILE_H
#define SGATE_FUZZ_CASE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "context.h"

/* note goes into a comment line: why the case was saved. */
void write_case(const char *path, const struct context *c,
		const uint8_t *frame, size_t len, const char *note);
/* 0, or -1 if the file cannot be opened; frame holds GEN_FRAME_MAX. */
int read_case(const char *path, struct context *c, uint8_t *frame,
	      size_t *len);

#endif
