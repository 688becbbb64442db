# lib/ - the utility layer (libqchanutil.a): hash map, heap, JSON
# strings, result tables (as text, CSV and JSON), quantiles, TAI64N,
# decimal numbers, full writes, directories, a progress line.
# No qmail knowledge; everything else links on it.
INC_lib = -Ilib

$(UTIL_LIB): $(call obj,$(UTIL_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
