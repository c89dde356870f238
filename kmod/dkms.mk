# The DKMS source tree of sgate.ko: make dkms-source DESTDIR=... writes
# $(DESTDIR)/usr/src/sgate-$(VERSION)/ with kmod/ and the headers it shares
# with the rest of sgate (include/sgate/), so the tree builds on its own.
# Included by the top-level Makefile; tests/e2e/test_dkms.sh builds it.

DKMS_SRCDIR := /usr/src/sgate-$(VERSION)
DKMS_FILES  := kmod/Kbuild kmod/Makefile $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h)) \
	       $(wildcard include/sgate/*.h)

.PHONY: dkms-source
dkms-source:
	$(INSTALL) -d $(DESTDIR)$(DKMS_SRCDIR)/kmod $(DESTDIR)$(DKMS_SRCDIR)/include/sgate
	for f in $(DKMS_FILES); do $(INSTALL) -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f || exit 1; done
	sed 's/#MODULE_VERSION#/$(VERSION)/' kmod/dkms.conf > $(DESTDIR)$(DKMS_SRCDIR)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMS_SRCDIR)/dkms.conf
