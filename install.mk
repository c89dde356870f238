# make install / make uninstall: the agent, its systemd unit, the default
# configuration, the man pages and the bash completion.  PREFIX and DESTDIR as
# usual; each directory can also be set alone (debian/rules does).  Included
# by the top-level Makefile.

PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR  ?= /etc
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL     ?= install

CONF_FILE   := $(SYSCONFDIR)/sgate/sgate.conf

# The unit runs the agent where this install put it, and reads the
# configuration from where this install put that: the Exec lines' sgate
# (a path ending in /sgate, or the bare name; a line's leading -@:+!
# prefixes kept) and every /etc/sgate/ are rewritten.
UNIT_SRC  := service/sgate.service
UNIT_EDIT := -e 's,^\(Exec[A-Za-z]*=[-@:+!]*\)\([^ ]*/\)\?sgate\( \|$$\),\1$(SBINDIR)/sgate\3,' \
	     -e 's,/etc/sgate/,$(SYSCONFDIR)/sgate/,g'

.PHONY: install uninstall

install: all man
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/sgate \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 $(BUILD)/sgate $(DESTDIR)$(SBINDIR)/sgate
	sed $(UNIT_EDIT) $(UNIT_SRC) > $(DESTDIR)$(UNITDIR)/sgate.service.tmp
	@grep -q '^ExecStart=[-@:+!]*$(SBINDIR)/sgate\( \|$$\)' $(DESTDIR)$(UNITDIR)/sgate.service.tmp || \
		{ echo "error: $(UNIT_SRC) has no ExecStart running .../sgate: cannot point it at $(SBINDIR)/sgate" >&2; \
		  rm -f $(DESTDIR)$(UNITDIR)/sgate.service.tmp; exit 1; }
	chmod 0644 $(DESTDIR)$(UNITDIR)/sgate.service.tmp
	mv $(DESTDIR)$(UNITDIR)/sgate.service.tmp $(DESTDIR)$(UNITDIR)/sgate.service
	@# The operator's configuration is theirs: never overwritten.
	@if [ -e $(DESTDIR)$(CONF_FILE) ]; then \
		echo "kept $(DESTDIR)$(CONF_FILE); the default is service/sgate.conf"; \
	else \
		echo "$(INSTALL) -m 0644 service/sgate.conf $(DESTDIR)$(CONF_FILE)"; \
		$(INSTALL) -m 0644 service/sgate.conf $(DESTDIR)$(CONF_FILE); \
	fi
	$(INSTALL) -m 0644 $(BUILD)/man/sgate.8 $(DESTDIR)$(MANDIR)/man8/sgate.8
	$(INSTALL) -m 0644 $(BUILD)/man/sgate.conf.5 $(DESTDIR)$(MANDIR)/man5/sgate.conf.5
	$(INSTALL) -m 0644 completion/sgate.bash $(DESTDIR)$(BASHCOMPDIR)/sgate

# Leaves the gates pinned (sgate detach removes them) and a configuration
# the operator has edited.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/sgate $(DESTDIR)$(UNITDIR)/sgate.service \
		$(DESTDIR)$(MANDIR)/man8/sgate.8 $(DESTDIR)$(MANDIR)/man5/sgate.conf.5 \
		$(DESTDIR)$(BASHCOMPDIR)/sgate
	@if [ ! -e $(DESTDIR)$(CONF_FILE) ]; then :; \
	elif cmp -s service/sgate.conf $(DESTDIR)$(CONF_FILE); then \
		echo "rm -f $(DESTDIR)$(CONF_FILE)"; rm -f $(DESTDIR)$(CONF_FILE); \
		rmdir $(DESTDIR)$(SYSCONFDIR)/sgate 2>/dev/null || true; \
	else \
		echo "kept $(DESTDIR)$(CONF_FILE): it differs from the default (your edits)"; \
	fi
