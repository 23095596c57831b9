# hoplat: one binary, plain make, pkg-config for libraries.
#   make            ./hoplat
#   make test       unit tests (cmocka) and integration tests (tshark oracle, namespaces)
#   make asan       ./hoplat-asan with ASan+UBSan, separate objects
#   make bench      benchmarks (docs/performance.md)
#   make DPDK=1     adds the DPDK capture backend
PREFIX  ?= /usr/local
PKGS    := libpcap libnl-3.0 libnl-route-3.0 zlib
CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -MMD -MP -I. $(shell pkg-config --cflags $(PKGS))
LDLIBS  := $(shell pkg-config --libs $(PKGS)) -lm -lpthread

LIB_SRC := $(wildcard common/*.c decode/*.c analysis/*.c capture/*.c bridge-setup/*.c)
ifeq ($(DPDK),1)
  CFLAGS  += -DHOPLAT_DPDK $(shell pkg-config --cflags libdpdk)
  LDLIBS  += $(shell pkg-config --libs libdpdk)
else
  LIB_SRC := $(filter-out %_dpdk.c,$(LIB_SRC))
endif

OBJ      := $(LIB_SRC:%.c=build/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build-asan/%.o)
TESTS    := $(patsubst tests/%.c,build/tests/%,$(wildcard tests/test_*.c))
TOOLS    := $(patsubst tests/tools/%.c,build/tools/%,$(wildcard tests/tools/*.c))
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined

.PHONY: all test unit integration asan bench demo install clean fuzz
all: hoplat

hoplat: build/hoplat.o $(OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

build-asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

hoplat-asan: build-asan/hoplat.o $(ASAN_OBJ)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS)
asan: hoplat-asan

build/tests/%: tests/%.c $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(OBJ) $(LDLIBS) $(shell pkg-config --libs cmocka)

build/tools/%: tests/tools/%.c $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(OBJ) $(LDLIBS)

unit: $(TESTS)
	@tests/run-unit.sh $(TESTS)

integration: hoplat $(TOOLS)
	@tests/run-integration.sh

test: hoplat $(TESTS) $(TOOLS)
	@tests/run-unit.sh $(TESTS) && tests/run-integration.sh

bench: hoplat $(TOOLS)
	@tests/bench/run.sh

demo: hoplat
	./hoplat analyze --client pcaps/demo/client.pcapng#eth0 --uplink pcaps/demo/dom0.pcapng#peth0 --vif pcaps/demo/dom0.pcapng#vif1.0

install: hoplat
	install -D -m 0755 hoplat $(DESTDIR)$(PREFIX)/bin/hoplat
	install -D -m 0644 docs/hoplat.1 $(DESTDIR)$(PREFIX)/share/man/man1/hoplat.1

clean:
	rm -rf build build-asan hoplat hoplat-asan

-include $(shell find build build-asan -name '*.d' 2>/dev/null)
