# fakespawn/ - spawner models (libqchanfake.a); fakespawn_main.c is the
# real-time `fakespawn` program, built by its own rules elsewhere.
FAKE_SRC := $(filter-out fakespawn/fakespawn_main.c,$(wildcard fakespawn/*.c))
FAKE_LIB := $(BUILD)/libqchanfake.a
HOST_LIBS := $(FAKE_LIB) $(HOST_LIBS)

$(FAKE_LIB): $(call obj,$(FAKE_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
