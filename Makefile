# hoplat: one binary, plain make, pkg-config for libraries.
#   make            ./hoplat
#   make test       unit tests (cmocka) and integration tests (tshark oracle, namespaces)
#   make asan       ./hoplat-asan with ASan+UBSan, separate objects
#   make bench      benchmarks (docs/performance.md)
#   make DPDK=1     adds the DPDK capture backend
PREFIX  ?= /usr/local
PKGS    := libpcap libnl-3.0 libnl-route-3.0 zlib
PKGS    += json-c
CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -MMD -MP -I. $(shell pkg-config --cflags $(PKGS))
LDLIBS  := $(shell pkg-config --libs $(PKGS)) -lm -lpthread

# Every folder below is a layer (docs/design.md); tests/check-layers.sh keeps
# the includes pointing down the stack.
SRC_DIRS := common decode capture analysis bridge-setup cmd
ALL_SRC  := $(shell find $(SRC_DIRS) -name '*.c' | sort)
LIB_SRC  := $(ALL_SRC)
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

.PHONY: all test unit integration asan bench demo install clean fuzz check-layers
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

# hoplat-dpdk: the DPDK backend built beside ./hoplat (objects in build-dpdk/),
# so tests can build it without replacing ./hoplat.
DPDK_FLAGS := -DHOPLAT_DPDK $(shell pkg-config --cflags libdpdk 2>/dev/null)
DPDK_OBJ   := $(patsubst %.c,build-dpdk/%.o,$(ALL_SRC))
build-dpdk/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DPDK_FLAGS) -c -o $@ $<
hoplat-dpdk: build-dpdk/hoplat.o $(DPDK_OBJ)
	$(CC) $(CFLAGS) $(DPDK_FLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs libdpdk)

unit: $(TESTS)
	@tests/run-unit.sh $(TESTS)

integration: hoplat $(TOOLS)
	@tests/run-integration.sh

check-layers:
	@python3 tests/check-layers.py

test: hoplat $(TESTS) $(TOOLS)
	@python3 tests/check-layers.py && tests/run-unit.sh $(TESTS) && tests/run-integration.sh

bench: hoplat $(TOOLS)
	@tests/bench/run.sh

demo: hoplat
	./hoplat analyze --client pcaps/demo/client.pcapng#eth0 --uplink pcaps/demo/dom0.pcapng#peth0 --vif pcaps/demo/dom0.pcapng#vif1.0

install: hoplat
	install -D -m 0755 hoplat $(DESTDIR)$(PREFIX)/bin/hoplat
	install -D -m 0644 docs/hoplat.1 $(DESTDIR)$(PREFIX)/share/man/man1/hoplat.1

# libFuzzer harnesses for the decoders (tests/fuzz/), not part of `make test`:
# each runs FUZZ_TIME seconds from its seeds; new inputs go to build-fuzz/.
FUZZ_TIME ?= 20
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -I. -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_DEC := decode/link.c decode/ip.c decode/transport.c decode/dns.c decode/http.c \
	decode/reason.c decode/ipaddr.c
FUZZERS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

build-fuzz/%: tests/fuzz/%.c $(FUZZ_DEC) decode/*.h
	@mkdir -p build-fuzz
	clang $(FUZZ_FLAGS) -o $@ $< $(FUZZ_DEC)

fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do n=$$(basename $$f); mkdir -p build-fuzz/corpus-$$n; \
	  echo "fuzz: $$n for $(FUZZ_TIME)s"; \
	  $$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -artifact_prefix=build-fuzz/$$n- \
	    build-fuzz/corpus-$$n \
	    tests/fuzz/seeds/$$n 2>build-fuzz/$$n.log || { tail -40 build-fuzz/$$n.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|cov:' build-fuzz/$$n.log | tail -2; done

clean:
	rm -rf build build-asan build-fuzz hoplat hoplat-asan

-include $(shell find build build-asan -name '*.d' 2>/dev/null)
