# The man pages: sgate(8) and sgate.conf(5), written in scdoc (man/*.scd) and
# turned into roff in $(BUILD)/man/.  Included by the top-level Makefile.

SCDOC     ?= scdoc
MAN_SRCS  := man/sgate.8.scd man/sgate.conf.5.scd
MAN_PAGES := $(patsubst man/%.scd,$(BUILD)/man/%,$(MAN_SRCS))

$(BUILD)/man:
	mkdir -p $@

$(BUILD)/man/%: man/%.scd | $(BUILD)/man
	$(SCDOC) < $< > $@.tmp
	mv $@.tmp $@

.PHONY: man
man: $(MAN_PAGES)
