# sim/ - the discrete-event simulator (libqchansim.a), used by `qchan run`.
INC_sim = $(INC_fakespawn) -Isim
SIM_SRC := $(wildcard sim/*.c)
SIM_LIB := $(BUILD)/libqchansim.a
HOST_LIBS := $(SIM_LIB) $(HOST_LIBS)

$(SIM_LIB): $(call obj,$(SIM_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
