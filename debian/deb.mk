# make deb: the Debian packages sgate and sgate-dkms (debian/), built with
# dpkg-buildpackage from a copy of the source in $(BUILD)/deb/, where the
# .deb files land; the source tree is left as it was.  Included by the
# top-level Makefile.

DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/sgate-$(VERSION)

.PHONY: deb
deb:
	@changelog=$$(dpkg-parsechangelog -S Version); [ "$$changelog" = "$(VERSION)" ] || \
		{ echo "error: debian/changelog is at $$changelog but VERSION says $(VERSION): add a changelog entry (dch -v $(VERSION))" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	@# The files git knows or would add; everything but build/ without git.
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			tar --null -T - -cf - | tar -xf - -C $(DEB_SRC); \
	else \
		tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C $(DEB_SRC); \
	fi
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	@ls $(DEB_DIR)/*.deb
