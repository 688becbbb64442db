# fit/ - qchan fit: rebuild a day from qmail-send's log (libqchanfit.a).
FIT_SRC := $(wildcard fit/*.c)
FIT_LIB := $(BUILD)/libqchanfit.a
HOST_LIBS := $(FIT_LIB) $(HOST_LIBS)
INC_fit = $(INC_core) -Ifit

$(FIT_LIB): $(call obj,$(FIT_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
