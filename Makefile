# stpwatch - spanning-tree trouble finder for KVM/QEMU hosts
#
#   make              build ./stpwatch (in $(B)/, linked to ./stpwatch)
#   make check        unit, golden, conformance and CLI tests (installs missing packages)
#   make check-asan   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo         the main job: diagnose the bundled captures
#   make golden-update  regenerate golden outputs (review the diff!)
#   make install PREFIX=/usr/local DESTDIR=

VERSION   := 0.1.0
PREFIX    ?= /usr/local
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
DESTDIR   ?=

CC        ?= cc
PKG_CONFIG ?= pkg-config
B         ?= build
WERROR    ?=

# snprintf into bounded display fields truncates on purpose: gcc's guesses
# about it (-Wformat-truncation) are noise, not defects.
WARNINGS  := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wwrite-strings \
             $(if $(shell $(CC) --version 2>/dev/null | grep -q clang && echo y),,-Wno-format-truncation)
CFLAGS    ?= -O2 -g
# Flags the build needs whatever CFLAGS the user gives.
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -DSTPWATCH_VERSION='"$(VERSION)"' \
             $(WARNINGS) $(if $(WERROR),-Werror) -Iinclude -Isrc
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Every external library through pkg-config.  The core needs none of them.
PKGS      := libpcap libnl-3.0 libnl-route-3.0 ncursesw
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

# `make V=1` shows the commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n'
endif

CORE_SRC  := $(sort $(wildcard src/core/*.c))
EDGE_SRC  := $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))

CORE_OBJ  := $(CORE_SRC:%.c=$(B)/%.o)
EDGE_OBJ  := $(EDGE_SRC:%.c=$(B)/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all check check-unit check-golden check-cli check-asan check-ns check-lab check-install demo deps bench \
        golden-update install uninstall clean

all: $(B)/stpwatch stpwatch

stpwatch: $(B)/stpwatch
	@if [ "$(B)" = build ]; then ln -sf $(B)/stpwatch stpwatch; fi

$(B)/libstpcore.a: $(CORE_OBJ)
	$(say) AR $@
	$(Q)$(AR) rcs $@ $^

$(B)/libstpedge.a: $(EDGE_OBJ)
	$(say) AR $@
	$(Q)$(AR) rcs $@ $^

$(B)/stpwatch: $(B)/src/main.o $(B)/libstpedge.a $(B)/libstpcore.a
	$(say) LINK $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS) -lm

# The core must stay pure: it is compiled without any library's include path.
$(B)/src/core/%.o: src/core/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(B)/libstpedge.a $(B)/libstpcore.a
	@mkdir -p $(@D)
	$(say) TEST $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -o $@ $(filter %.c %.a,$^) $(PKG_LIBS) $(CMOCKA_LIBS) -lm

-include $(CORE_OBJ:.o=.d) $(EDGE_OBJ:.o=.d) $(B)/src/main.d $(UNIT_BIN:=.d)

# Installs what the build and the tests need, when it is missing (Debian).
deps:
	@tests/deps.sh

# The whole suite: unit, golden and conformance, CLI, the curses view in
# tmux, namespace tests of netlink and /proc, and the lab (kernel STP and
# real QEMU in throwaway namespaces; skipped with a notice where the machine
# cannot run it: not root, no network namespaces, no QEMU).
check: deps
	@$(MAKE) --no-print-directory check-unit check-golden check-cli check-install check-tui check-ns check-lab

check-install: $(B)/stpwatch
	@tests/install.sh $(B)/stpwatch

check-ns: $(B)/tests/test_nlbridge $(B)/tests/test_procvm
	@tests/run-skippable.sh ns tests/ns/nlbridge.sh $(B)/tests/test_nlbridge
	@tests/run-skippable.sh ns tests/ns/procvm.sh $(B)/tests/test_procvm
	@tests/run-skippable.sh ns tests/ns/daemon.sh $(B)/stpwatch
	@tests/run-skippable.sh ns tests/ns/privs.sh $(B)/stpwatch
	@tests/run-skippable.sh ns tests/ns/hostile.sh $(B)/stpwatch
	@tests/run-skippable.sh ns tests/ns/faults.sh $(B)/stpwatch

# Offline: every lab scenario's committed captures; live: the lab itself.
check-lab: $(B)/stpwatch
	@python3 tests/lab/offline.py $(B)/stpwatch
	@tests/run-skippable.sh lab /usr/bin/python3 tests/lab/live.py $(B)/stpwatch
	@tests/run-skippable.sh lab /usr/bin/python3 tests/lab/repair.py $(B)/stpwatch
	@tests/run-skippable.sh lab tests/lab/view.sh $(B)/stpwatch

check-unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

check-golden: $(B)/stpwatch
	@tests/golden/run.sh $(B)/stpwatch
	@tests/conformance/selftest/selftest.sh
	@tests/conformance/run.sh $(B)/stpwatch

check-cli: $(B)/stpwatch
	@tests/cli/run.sh $(B)/stpwatch

golden-update: $(B)/stpwatch
	@tests/golden/run.sh --update $(B)/stpwatch

check-asan: deps
	@$(MAKE) --no-print-directory B=build-asan CC=clang \
		CFLAGS="-O1 -g $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" \
		check-unit check-golden check-cli check-tui check-ns check-lab

demo: deps $(B)/stpwatch
	@tests/demo.sh $(B)/stpwatch

SYSCONFDIR ?= /etc
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR   ?= $(PREFIX)/lib/systemd/system

install: $(B)/stpwatch
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)
	install -m 0755 $(B)/stpwatch $(DESTDIR)$(SBINDIR)/stpwatch
	install -m 0644 man/stpwatch.8 $(DESTDIR)$(MANDIR)/man8/stpwatch.8
	install -m 0644 contrib/stpwatch.bash-completion $(DESTDIR)$(BASHCOMPDIR)/stpwatch
	sed 's|@SBINDIR@|$(SBINDIR)|' contrib/stpwatch.service >$(DESTDIR)$(UNITDIR)/stpwatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/stpwatch.service
	install -m 0644 contrib/stpwatch.conf $(DESTDIR)$(SYSCONFDIR)/stpwatch.conf.example

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/stpwatch $(DESTDIR)$(MANDIR)/man8/stpwatch.8 \
		$(DESTDIR)$(BASHCOMPDIR)/stpwatch $(DESTDIR)$(UNITDIR)/stpwatch.service \
		$(DESTDIR)$(SYSCONFDIR)/stpwatch.conf.example

clean:
	rm -rf build build-asan stpwatch

# Benchmarks: ratios measured side by side in one run (see tests/bench/run.sh).
$(B)/bench_engine: tests/bench/bench_engine.c $(B)/libstpcore.a
	$(say) LINK $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $^ -lm

bench: deps $(B)/stpwatch $(B)/bench_engine
	@tests/bench/run.sh $(B)
	@tests/run-skippable.sh latency /usr/bin/python3 tests/bench/latency.py $(B)/stpwatch 3
	@tests/run-skippable.sh latency /usr/bin/python3 tests/bench/latency.py --storm $(B)/stpwatch 3
	@tests/run-skippable.sh livecost tests/bench/livecost.sh $(B)/stpwatch 5
	@tests/run-skippable.sh scale tests/bench/scale.sh $(B)/stpwatch 1000 100000

include tests/tui/tui.mk
include tests/fuzz/fuzz.mk
