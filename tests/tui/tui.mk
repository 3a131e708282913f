# tests/tui/tui.mk - the curses view's test driver and its tmux test.
# Included by the main Makefile (include tests/tui/tui.mk); uses its variables.
#
#   make check-tui        the view in tmux at 80x24 and 120x40 (skips without tmux)
#   make check-tui-asan   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make tui-screenshot   refresh tests/tui/screenshot-80x24.txt

.PHONY: check-tui check-tui-asan tui-screenshot

$(B)/tui_driver: tests/tui/tui_driver.c $(B)/libstpedge.a $(B)/libstpcore.a
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP $(LDFLAGS) -o $@ \
		tests/tui/tui_driver.c $(B)/libstpedge.a $(B)/libstpcore.a $(PKG_LIBS) $(LDLIBS) -lm

-include $(B)/tui_driver.d

check-tui: $(B)/tui_driver
	@tests/run-skippable.sh tui tests/tui/run.sh $(B)/tui_driver

check-tui-asan:
	@$(MAKE) --no-print-directory B=build-asan CC=clang \
		CFLAGS="-O1 -g $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" check-tui

tui-screenshot: $(B)/tui_driver
	@tests/tui/run.sh --screenshot-only $(B)/tui_driver
