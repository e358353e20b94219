# Posthorn build. GNU make; `make help` lists the targets.
#
# Objects go under $(BUILD)/obj, programs under $(BUILD)/bin. SANITIZE=1
# builds with ASan+UBSan into build/san so the two builds never mix objects.

CXX      ?= g++
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(PREFIX)/bin
MANDIR   := $(PREFIX)/share/man

# Programs link libstdc++ statically: it saves a third of mda's start-up
# (dynamic relocation of libstdc++), which every delivery pays.
# Debug info is line tables only (-g1): enough for backtraces and
# sanitizer reports, and a fifth of the compile time less; CXXFLAGS="-O2 -g"
# for a gdb session. The sanitizer build is -O1, as ASan recommends: at
# -O2 it compiles 2.4 times slower for no better reports.
ifeq ($(SANITIZE),1)
BUILD    ?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
PROG_LDFLAGS :=
CXXFLAGS ?= -O1 -g1
else
BUILD    ?= build
SANFLAGS :=
PROG_LDFLAGS := -static-libstdc++ -static-libgcc
CXXFLAGS ?= -O2 -g1
endif

PKGS_ALL := openssl libevent libevent_openssl libcares libxcrypt zlib
CXXFLAGS += -std=c++20 -Wall -Wextra -Wno-missing-field-initializers $(SANFLAGS)
CPPFLAGS += -I. -MMD -MP
LDFLAGS  += $(SANFLAGS)

CRYPT_LIBS := $(shell pkg-config --libs libxcrypt 2>/dev/null || echo -lcrypt)
# zlib: the CRC-32 of queue files (common/queue/checksum.h).
ZLIB_LIBS  := $(shell pkg-config --libs zlib 2>/dev/null || echo -lz)
GTEST_LIBS := $(shell pkg-config --libs gtest_main 2>/dev/null || echo -lgtest_main -lgtest -lpthread)
NET_LIBS   := $(shell pkg-config --libs libevent libevent_openssl openssl 2>/dev/null || echo -levent -levent_openssl -lssl -lcrypto)

# ---- sources -------------------------------------------------------------
# common/ becomes libposthorn.a. Each program is a folder: its main.cc makes
# the program, every other .cc in the folder is linked into it and into the
# unit tests, so tests reach everything but main().
COMMON_SRC := $(shell find common -name '*.cc' | sort)
COMMON_OBJ := $(COMMON_SRC:%.cc=$(BUILD)/obj/%.o)
LIB        := $(BUILD)/lib/libposthorn.a

# program name -> folder, and the system libraries it needs beyond common/.
# A folder without main.cc yet still links its code into the unit tests.
PROGRAMS        := mda smtpd sendmail pop3d imapd
dir_mda         := mda
libs_mda        :=
dir_smtpd       := mta/smtpd
libs_smtpd      := $(NET_LIBS) $(CRYPT_LIBS) $(ZLIB_LIBS)
dir_sendmail    := mta/sendmail
libs_sendmail   := $(ZLIB_LIBS)
dir_pop3d       := mra/pop3d
libs_pop3d      := $(NET_LIBS) $(CRYPT_LIBS)
dir_imapd       := mra/imapd
libs_imapd      := $(NET_LIBS) $(CRYPT_LIBS)

prog_src  = $(filter-out $(dir_$(1))/main.cc,$(wildcard $(dir_$(1))/*.cc))
PROG_OBJ_ALL := $(foreach p,$(PROGRAMS),$(patsubst %.cc,$(BUILD)/obj/%.o,$(call prog_src,$(p))))
BINS := $(foreach p,$(PROGRAMS),$(if $(wildcard $(dir_$(p))/main.cc),$(BUILD)/bin/$(p)))

UNIT_SRC := $(wildcard tests/unit/*_test.cc)
UNIT_OBJ := $(UNIT_SRC:%.cc=$(BUILD)/obj/%.o)
UNIT_BIN := $(BUILD)/bin/unit_tests
ALL_LIBS := $(sort $(CRYPT_LIBS) $(foreach p,$(PROGRAMS),$(libs_$(p))))

# Fuzz targets are libFuzzer-style; under g++ they link a standalone
# driver that replays the corpus plus seeded mutations (see
# tests/fuzz/standalone_main.cc); `make fuzz` builds real libFuzzer ones.
FUZZ_SRC  := $(wildcard tests/fuzz/*_fuzzer.cc)
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.cc=$(BUILD)/bin/fuzz/%)
FUZZ_RUNS ?= 20000

MANPAGES := $(wildcard man/*.[1-8])

.PHONY: bench-deps demo demo-stop all check unit integration fuzz-smoke fuzz manlint install clean deps deps-check bench help
.DEFAULT_GOAL := all

all: $(BINS) $(BUILD)/bin/mailq

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(LIB): $(COMMON_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

define program_rule
$(BUILD)/bin/$(1): $(BUILD)/obj/$(dir_$(1))/main.o $(patsubst %.cc,$(BUILD)/obj/%.o,$(call prog_src,$(1))) $(LIB)
	@mkdir -p $$(@D)
	$$(CXX) $$(LDFLAGS) $$(PROG_LDFLAGS) -o $$@ $$^ $(libs_$(1))
endef

# mailq is sendmail -bp, by its name.
$(BUILD)/bin/mailq: $(BUILD)/bin/sendmail
	ln -sf sendmail $@
$(foreach p,$(PROGRAMS),$(if $(wildcard $(dir_$(p))/main.cc),$(eval $(call program_rule,$(p)))))

$(UNIT_BIN): $(UNIT_OBJ) $(PROG_OBJ_ALL) $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(ALL_LIBS) $(GTEST_LIBS)

$(BUILD)/bin/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tests/fuzz/standalone_main.o $(PROG_OBJ_ALL) $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

# ---- tests ---------------------------------------------------------------
# Each stage writes its counts to $(BUILD)/results/; `check` ends with one
# summary line that CI reads.
RESULTS := $(BUILD)/results

check: deps-check
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(FUZZ_BINS)
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@status=0; \
	$(MAKE) --no-print-directory unit || status=1; \
	$(MAKE) --no-print-directory integration || status=1; \
	$(MAKE) --no-print-directory fuzz-smoke || status=1; \
	$(MAKE) --no-print-directory manlint || status=1; \
	tests/summary.sh $(RESULTS); \
	exit $$status

unit: $(UNIT_BIN)
	@mkdir -p $(RESULTS)
	@tests/run_unit.sh $(UNIT_BIN) $(RESULTS)/unit

integration: all
	@mkdir -p $(RESULTS)
	@POSTHORN_BIN=$(abspath $(BUILD)/bin) python3 tests/integration/run.py $(RESULTS)/integration

fuzz-smoke: $(FUZZ_BINS)
	@mkdir -p $(RESULTS)
	@tests/run_fuzz.sh $(RESULTS)/fuzz $(FUZZ_RUNS) $(FUZZ_BINS)

# Real coverage-guided fuzzing, by hand: needs clang (apt-get install clang).
# make fuzz FUZZER=address_fuzzer FUZZ_SECONDS=600. New inputs it finds go
# to build/libfuzzer/corpus-NAME; the seeds in tests/fuzz/corpus stay as
# they are (copy an input there by hand when it is worth keeping).
FUZZ_SECONDS ?= 60
fuzz:
	@command -v clang++ >/dev/null || { echo "make fuzz needs clang++: apt-get install clang"; exit 1; }
	@mkdir -p build/libfuzzer
	clang++ -std=c++20 -I. -O1 -g -fsanitize=fuzzer,address,undefined -o build/libfuzzer/$(FUZZER) \
	  tests/fuzz/$(FUZZER).cc $(COMMON_SRC) $(foreach p,$(PROGRAMS),$(call prog_src,$(p))) $(ALL_LIBS)
	@mkdir -p build/libfuzzer/corpus-$(FUZZER)
	build/libfuzzer/$(FUZZER) -max_total_time=$(FUZZ_SECONDS) build/libfuzzer/corpus-$(FUZZER) tests/fuzz/corpus/$(FUZZER:_fuzzer=)

manlint:
	@mkdir -p $(RESULTS)
	@tests/manlint.sh $(RESULTS)/manlint $(MANPAGES)

# The suite on loopback ports with a demo user: contrib/demo.sh.
demo: deps-check
	@$(MAKE) --no-print-directory all
	@contrib/demo.sh $(BUILD)/bin

demo-stop:
	@contrib/demo.sh $(BUILD)/bin stop

bench: all bench-deps
	@POSTHORN_BIN=$(abspath $(BUILD)/bin) tests/bench/mda_bench.sh
	@POSTHORN_BIN=$(abspath $(BUILD)/bin) tests/bench/smtpd_bench.sh
	@POSTHORN_BIN=$(abspath $(BUILD)/bin) tests/bench/pop3d_bench.sh
	@POSTHORN_BIN=$(abspath $(BUILD)/bin) tests/bench/imapd_bench.sh

# ---- dependencies --------------------------------------------------------
# Debian 12 packages for the build and the tests.
DEB_PKGS := g++ make pkg-config libssl-dev libevent-dev libc-ares-dev \
	libgtest-dev libcrypt-dev zlib1g-dev python3 mandoc whois mblaze maildrop openssl time \
	swaks libnet-ssleay-perl curl fetchmail mutt
# The peers the benchmarks compare against: servers that start as system
# services when installed, so only `make bench` asks for them, never
# `make check` on a developer's machine.
BENCH_PKGS := dovecot-core dovecot-imapd dovecot-pop3d

deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q --no-install-recommends $(DEB_PKGS); \
	else \
	  echo "run as root: apt-get install -y --no-install-recommends $(DEB_PKGS)"; exit 1; \
	fi

bench-deps:
	@$(MAKE) --no-print-directory deps-check DEB_PKGS="$(BENCH_PKGS)"

# Installs the packages only when one is missing, so `make check` works on a
# fresh machine and costs nothing on a prepared one.
deps-check:
	@command -v dpkg-query >/dev/null || exit 0; missing=; \
	for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then echo "missing packages:$$missing"; $(MAKE) --no-print-directory deps; fi

# ---- install -------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)/
	ln -sf sendmail $(DESTDIR)$(BINDIR)/mailq
	for m in $(MANPAGES); do install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done

clean:
	rm -rf build

help:
	@echo "targets: demo demo-stop all check install clean deps bench fuzz   (SANITIZE=1 for ASan+UBSan)"

-include $(COMMON_OBJ:.o=.d) $(PROG_OBJ_ALL:.o=.d) $(UNIT_OBJ:.o=.d) $(FUZZ_SRC:%.cc=$(BUILD)/obj/%.d) $(BUILD)/obj/tests/fuzz/standalone_main.d $(foreach p,$(PROGRAMS),$(BUILD)/obj/$(dir_$(p))/main.d)
