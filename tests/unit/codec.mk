# Unit tests of the shared SYN-cookie codec (include/sgate/{siphash,cookie,
# tcpopt,abi}.h), with cmocka.  Included by tests/Makefile.inc; expects BUILD,
# CC and CFLAGS (with -Iinclude) from the including makefile, and paths
# relative to the top of the tree.
#
#   test_siphash  SipHash-2-4 against the paper's vectors and libsodium; the
#                 cookie MAC input byte for byte
#   test_cookie   encode/decode round trips, rejection, epochs, key ring,
#                 TCP option walking, forged-ACK count
#   test_dtls_cookie  the DTLS cookie (dtls.h): MAC input against
#                 libsodium, epoch window, rejection

SGATE_CODEC_HDRS  := $(wildcard include/sgate/*.h)
SGATE_CODEC_TESTS := $(BUILD)/test_siphash $(BUILD)/test_cookie $(BUILD)/test_dtls_cookie
UNIT_TESTS        += $(SGATE_CODEC_TESTS)

$(BUILD)/test_siphash: tests/unit/test_siphash.c $(SGATE_CODEC_HDRS) tests/lib/rng.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lcmocka -lsodium

$(BUILD)/test_cookie: tests/unit/test_cookie.c $(SGATE_CODEC_HDRS) tests/lib/rng.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lcmocka

$(BUILD)/test_dtls_cookie: tests/unit/test_dtls_cookie.c $(SGATE_CODEC_HDRS) tests/lib/rng.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lcmocka -lsodium
