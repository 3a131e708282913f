# tests/fuzz/fuzz.mk - libFuzzer harnesses and their replay (see tests/fuzz/README.md)
#
# Included at the end of the top-level Makefile; uses its B, CC, CFLAGS,
# LDFLAGS, BASE_CFLAGS (and PKG_CFLAGS/PKG_LIBS for harnesses of the edge).
#
#   make fuzz                  build the harnesses with clang + libFuzzer,
#                              ASan and UBSan into $(FUZZ_B)/
#   make fuzz-run FUZZ_SECONDS=600 [FUZZ_ONLY="frame"] [FUZZ_FLAGS=...]
#                              run each harness in turn, one after another
#   make check-fuzz            replay the seed corpora and regression inputs
#                              with the ordinary compiler (part of make check)
#   make check-fuzz-asan       the same under ASan+UBSan (part of make check-asan)
#   make fuzz-seeds [FUZZ_ONLY="qemu"]
#                              regenerate tests/fuzz/corpus/ from the captures,
#                              QEMU command lines and netlink recordings
#   make fuzz-clean            remove $(FUZZ_B)/
#
# A new harness tests/fuzz/fuzz_NAME.c is one line below:
#   FUZZ_HARNESSES += NAME          it needs only libstpcore.a
#   FUZZ_EDGE_HARNESSES += NAME     it also needs libstpedge.a (and pkg-config libs)
# with its seeds in tests/fuzz/corpus/NAME/ and tests/fuzz/regressions/NAME/.

FUZZ_HARNESSES      += frame
FUZZ_HARNESSES      += capfile
FUZZ_HARNESSES      += pipeline
FUZZ_HARNESSES      += qemu
FUZZ_EDGE_HARNESSES += netlink

FUZZ_DIR      := tests/fuzz
FUZZ_B        ?= build-fuzz
FUZZ_CC       ?= clang
FUZZ_CFLAGS   ?= -O1 -g
FUZZ_SECONDS  ?= 60
FUZZ_FLAGS    ?=
FUZZ_ONLY     ?=
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# BASE_CFLAGS carries gcc-only warning switches when CC is gcc.
FUZZ_ALLFLAGS  = $(BASE_CFLAGS) $(FUZZ_CFLAGS) -Wno-unknown-warning-option
FUZZ_ASAN_FLAGS = $(or $(SAN_FLAGS),$(FUZZ_SAN))

FUZZ_ALL      = $(FUZZ_HARNESSES) $(FUZZ_EDGE_HARNESSES)
FUZZ_SEL      = $(or $(FUZZ_ONLY),$(FUZZ_ALL))
FUZZ_HDRS     := $(FUZZ_DIR)/fuzz_common.h $(wildcard include/stpwatch/*.h)
FUZZ_CORE_OBJ := $(patsubst %.c,$(FUZZ_B)/%.o,$(sort $(wildcard src/core/*.c)))
FUZZ_EDGE_OBJ := $(patsubst %.c,$(FUZZ_B)/%.o,$(filter-out src/main.c,$(sort $(wildcard src/*.c))))

# Quiet like the main build (`make V=1` shows the commands).
fuzz_say = $(or $(say),@printf '  %-6s %s\n')
fuzz_q   = $(if $(say),$(Q),)

# Static archives in link order: the edge needs the core.
fuzz_link = $(filter %.c,$^) $(filter %libstpedge.a,$^) $(filter %libstpcore.a,$^) \
	    $(if $(filter %libstpedge.a,$^),$(PKG_LIBS)) -lm
fuzz_pkg_cflags = $(if $(filter %libstpedge.a,$^),$(PKG_CFLAGS))

.PHONY: fuzz fuzz-run fuzz-seeds fuzz-clean check-fuzz check-fuzz-asan

# ---- libFuzzer build (clang) -------------------------------------------

$(FUZZ_B)/src/core/%.o: src/core/%.c
	@mkdir -p $(@D)
	$(fuzz_say) FUZZCC $<
	$(fuzz_q)$(FUZZ_CC) $(FUZZ_ALLFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -MMD -MP -c -o $@ $<

$(FUZZ_B)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(fuzz_say) FUZZCC $<
	$(fuzz_q)$(FUZZ_CC) $(FUZZ_ALLFLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -MMD -MP -c -o $@ $<

$(FUZZ_B)/libstpcore.a: $(FUZZ_CORE_OBJ)
	$(fuzz_say) AR $@
	$(fuzz_q)$(AR) rcs $@ $^

$(FUZZ_B)/libstpedge.a: $(FUZZ_EDGE_OBJ)
	$(fuzz_say) AR $@
	$(fuzz_q)$(AR) rcs $@ $^

$(FUZZ_B)/fuzz-%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/fuzz_common.c $(FUZZ_HDRS) $(FUZZ_B)/libstpcore.a
	@mkdir -p $(@D)
	$(fuzz_say) FUZZLD $@
	$(fuzz_q)$(FUZZ_CC) $(FUZZ_ALLFLAGS) $(fuzz_pkg_cflags) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $(fuzz_link)

$(foreach h,$(FUZZ_EDGE_HARNESSES),$(eval $(FUZZ_B)/fuzz-$(h): $(FUZZ_B)/libstpedge.a))

-include $(FUZZ_CORE_OBJ:.o=.d) $(FUZZ_EDGE_OBJ:.o=.d)

fuzz: $(FUZZ_ALL:%=$(FUZZ_B)/fuzz-%)
	@echo "fuzz: built $(FUZZ_ALL:%=$(FUZZ_B)/fuzz-%)"
	@echo "fuzz: run all, one after another:  make fuzz-run FUZZ_SECONDS=600 [FUZZ_ONLY=\"frame\"]"
	@echo "fuzz: or one by hand (writes only to $(FUZZ_B)/):"
	@echo "  mkdir -p $(FUZZ_B)/corpus/frame && $(FUZZ_B)/fuzz-frame -max_total_time=600 -timeout=10 \\"
	@echo "      -rss_limit_mb=2048 -artifact_prefix=$(FUZZ_B)/ $(FUZZ_B)/corpus/frame $(FUZZ_DIR)/corpus/frame"
	@echo "fuzz: replay one input:  $(FUZZ_B)/fuzz-frame FILE   (or $(B)/fuzz/replay-frame FILE after make check-fuzz)"

fuzz-run: $(addprefix $(FUZZ_B)/fuzz-,$(FUZZ_SEL))
	@$(FUZZ_DIR)/run.sh $(FUZZ_B) $(FUZZ_SECONDS) "$(FUZZ_FLAGS)" $(FUZZ_SEL)

# Regenerates the committed corpora: raw seeds from the captures, QEMU
# command lines and netlink recordings, minimised with -merge=1 into a fresh
# directory each (FUZZ_ONLY="qemu" for some).  The one target that writes to
# the source tree.
fuzz-seeds: $(FUZZ_SEL:%=$(FUZZ_B)/fuzz-%)
	rm -rf $(FUZZ_B)/seeds
	python3 $(FUZZ_DIR)/make-seeds.py $(FUZZ_B)/seeds
	@set -e; for h in $(FUZZ_SEL); do \
		[ -d $(FUZZ_B)/seeds/$$h ] || continue; \
		rm -rf $(FUZZ_B)/merged-$$h; mkdir -p $(FUZZ_B)/merged-$$h; \
		$(FUZZ_B)/fuzz-$$h -merge=1 -timeout=10 -rss_limit_mb=2048 \
			$(FUZZ_B)/merged-$$h $(FUZZ_B)/seeds/$$h 2>$(FUZZ_B)/merge-$$h.log \
			|| { cat $(FUZZ_B)/merge-$$h.log; exit 1; }; \
		rm -rf $(FUZZ_DIR)/corpus/$$h; mkdir -p $(FUZZ_DIR)/corpus; \
		mv $(FUZZ_B)/merged-$$h $(FUZZ_DIR)/corpus/$$h; \
		echo "fuzz-seeds: $$h: $$(ls $(FUZZ_DIR)/corpus/$$h | wc -l) inputs" \
		     "($$(ls $(FUZZ_B)/seeds/$$h | wc -l) before merging)"; \
	done

fuzz-clean:
	rm -rf $(FUZZ_B)

clean: fuzz-clean

# ---- replay with the ordinary compiler -----------------------------------

$(B)/fuzz/replay-%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/fuzz_common.c $(FUZZ_DIR)/replay.c \
		    $(FUZZ_HDRS) $(B)/libstpcore.a
	@mkdir -p $(@D)
	$(fuzz_say) LINK $@
	$(fuzz_q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(fuzz_pkg_cflags) $(LDFLAGS) -o $@ $(fuzz_link)

$(foreach h,$(FUZZ_EDGE_HARNESSES),$(eval $(B)/fuzz/replay-$(h): $(B)/libstpedge.a))

check-fuzz: $(FUZZ_ALL:%=$(B)/fuzz/replay-%)
	@$(FUZZ_DIR)/replay.sh $(B)/fuzz $(FUZZ_ALL)

# The replay again, every input under ASan and UBSan (build-asan/).
check-fuzz-asan:
	@$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory B=build-asan CC=clang \
		CFLAGS="-O1 -g $(FUZZ_ASAN_FLAGS)" LDFLAGS="$(FUZZ_ASAN_FLAGS)" check-fuzz

check: check-fuzz
check-asan: check-fuzz-asan
