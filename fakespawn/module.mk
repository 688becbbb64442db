# fakespawn/ - spawner models (libqchanfake.a), used by the simulator and
# by the real-time `fakespawn` program (daemons/fakespawn_main.c).
INC_fakespawn = $(INC_core) -Ifakespawn
FAKE_SRC := $(wildcard fakespawn/*.c)
FAKE_LIB := $(BUILD)/libqchanfake.a
HOST_LIBS := $(FAKE_LIB) $(HOST_LIBS)

$(FAKE_LIB): $(call obj,$(FAKE_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
