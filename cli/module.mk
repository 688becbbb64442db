# cli/ - the `qchan` program (subcommands in cli/cmd_*.c).
INC_cli = $(INC_fakespawn) -Isim -Ifit -Idaemons -Icli
CLI_SRC := $(wildcard cli/*.c)
QCHAN_BIN := $(BUILD)/bin/qchan
PROGRAMS += $(QCHAN_BIN)

$(QCHAN_BIN): $(call obj,$(CLI_SRC)) $(HOST_LIBS) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(call obj,$(CLI_SRC)) -o $@ $(HOST_LIBS) $(CORE_LIB) $(LDLIBS)
