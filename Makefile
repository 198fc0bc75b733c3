# pvm: a small userspace VMM for pseries guests on KVM-HV.
#
#   make              build ./pvm (cross-compiled, static, unless on ppc64le)
#   make unit         build and run the host unit tests (native) and the layering check
#   make layers       only the layering check (scripts/check-layers.py)
#   make check        unit tests + lab tests in the emulated LPAR
#   make install      pvm, man pages, bash completion (PREFIX, DESTDIR)
#   make deb          a ppc64el Debian package of the static binary
#
# Cross builds use a sysroot of Debian ppc64el -dev packages made by
# scripts/deps.sh under $(PVM_CACHE).

PVM_CACHE ?= /var/cache/pvm
HOST_ARCH := $(shell uname -m)
ifeq ($(HOST_ARCH),ppc64le)
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= powerpc64le-linux-gnu-
endif
SYSROOT ?= $(if $(CROSS_COMPILE),$(PVM_CACHE)/sysroot)

CC := $(CROSS_COMPILE)gcc
HOSTCC ?= gcc
WARN := -Wall -Wextra -Werror -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
CFLAGS += $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -MMD -MP
ifneq ($(SYSROOT),)
CFLAGS += -isystem $(SYSROOT)/usr/include
LDFLAGS += -L$(SYSROOT)/usr/lib/powerpc64le-linux-gnu
endif
LDFLAGS += -static
LIBS := -lfdt -ljson-c -lseccomp -luring -lpthread

# The layers (docs/architecture.md): the core (vmm/, fdt/), the features
# (papr/, devices/, virtio/, nested/), the machine that lists them
# (machine/) and the front end (cli/). A new source file needs no line here.
# Everything but the KVM accelerator, the sandbox and the CLI verbs builds and
# unit-tests natively on x86 (tests/fake-accel.c stands in for KVM).
TARGET_ONLY := $(wildcard vmm/kvm*.c) vmm/sandbox.c $(wildcard cli/builtin-*.c) \
	cli/main.c cli/term.c
ALL_SRCS := $(sort $(wildcard vmm/*.c fdt/*.c papr/*.c devices/*.c virtio/*.c nested/*.c \
	machine/*.c cli/*.c))
CORE_SRCS := $(filter-out $(TARGET_ONLY),$(ALL_SRCS))
PVM_SRCS := $(ALL_SRCS)

BUILD := build
PVM_OBJS := $(PVM_SRCS:%.c=$(BUILD)/target/%.o)

all: pvm

pvm: $(PVM_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/target/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# pvm version: the git commit (with -dirty for local changes), rewritten only
# when it changes so main.o is rebuilt only then.
PVM_VERSION := 0.1
$(BUILD)/version.h: FORCE
	@mkdir -p $(dir $@)
	@c=$$(git -C $(CURDIR) describe --always --dirty --abbrev=12 2>/dev/null || echo unknown); \
	printf '#define PVM_VERSION "%s"\n#define PVM_COMMIT "%s"\n' '$(PVM_VERSION)' "$$c" >$@.tmp; \
	cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/target/cli/main.o: $(BUILD)/version.h
$(BUILD)/target/cli/main.o: CFLAGS += -include $(BUILD)/version.h
FORCE:

# ---- host unit tests (kselftest harness) ----
# HOSTBUILD and HOST_SAN select a sanitizer build (make unit-asan, unit-tsan).
HARNESS_DIR ?= $(PVM_CACHE)/kselftest
HOSTBUILD ?= $(BUILD)/host
HOST_SAN ?=
HOST_CFLAGS := -O1 -g $(WARN) -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE \
	-Iinclude -Itests -I$(HARNESS_DIR) -MMD -MP $(HOST_SAN)
TEST_SRCS := $(wildcard tests/test-*.c)
TEST_NAMES ?= $(TEST_SRCS:tests/test-%.c=%)
TEST_BINS := $(TEST_NAMES:%=$(HOSTBUILD)/tests/test-%)
HOST_CORE_OBJS := $(CORE_SRCS:%.c=$(HOSTBUILD)/%.o) $(HOSTBUILD)/tests/fake-accel.o

$(HOSTBUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(HOSTBUILD)/tests/test-%: tests/test-%.c $(HOST_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(HOST_CORE_OBJS) $(TEST_LDFLAGS) -lfdt -ljson-c -luring \
		-lpthread

# The virtio tests watch the transport's calls into the PCI core through fakes
# (tests/fake-pci.h).
$(HOSTBUILD)/tests/test-virtio-pci $(HOSTBUILD)/tests/test-virtio-console: TEST_LDFLAGS = $(patsubst %,-Wl$(comma)--wrap=pci__%,\
	add_cap register unregister notify intx msix_irq)
$(HOSTBUILD)/tests/test-virtio-blk $(HOSTBUILD)/tests/test-virtio-net: TEST_LDFLAGS = $(patsubst %,-Wl$(comma)--wrap=pci__%,\
	add_cap register unregister notify intx msix_irq)
comma := ,

# Reached only through the pattern rule above: keep them, or make deletes
# them as intermediates and every "make unit" recompiles the whole core.
.SECONDARY: $(HOST_CORE_OBJS)

unit-build: $(TEST_BINS)

# The layering check (scripts/check-layers.py: includes go down the layers
# only, no include cycle between folders, file sizes; with its self-test)
# counts in the unit suite; the sanitizer runs leave it out (LAYER_CHECK=).
LAYER_CHECK ?= scripts/check-layers.py
unit: unit-build
	@UNIT_NAME=$(or $(UNIT_NAME),unit) scripts/run-unit.sh $(TEST_BINS) $(LAYER_CHECK)

layers:
	@scripts/check-layers.py

# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (any
# report fails the run), and the threaded ones under ThreadSanitizer.
SAN_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# -Wno-tsan: virtio/virtqueue.c's fences order its ring accesses against the
# guest's, which ThreadSanitizer never sees; host threads share a ring only
# under the transport's lock, which it does see.
SAN_TSAN := -fsanitize=thread -Wno-tsan
TSAN_TESTS := races loader boot-trace control control-dir console tpm watchdog hvpipe-control mmio virtio-console virtio-blk virtio-net
unit-asan:
	@$(MAKE) -s --no-print-directory HOSTBUILD=$(BUILD)/asan HOST_SAN='$(SAN_ASAN)' \
		UNIT_NAME=unit-asan LAYER_CHECK= unit
unit-tsan:
	@$(MAKE) -s --no-print-directory HOSTBUILD=$(BUILD)/tsan HOST_SAN='$(SAN_TSAN)' \
		UNIT_NAME=unit-tsan TEST_NAMES='$(TSAN_TESTS)' LAYER_CHECK= unit

# ---- fuzz targets (libFuzzer, clang, ASan+UBSan; tests/fuzz/, docs/security.md) ----
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz-%)
SAN_FUZZ := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all

$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(HOST_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(HOST_CORE_OBJS) \
		-lfdt -ljson-c -luring -lpthread

fuzz-build: $(FUZZ_BINS)

fuzz:
	@$(MAKE) -s --no-print-directory HOSTBUILD=$(BUILD)/fuzz HOSTCC=clang \
		HOST_SAN='$(SAN_FUZZ)' fuzz-build

lab-check: pvm
	scripts/lab-smoke.sh

check:
	@scripts/test.sh

clean:
	rm -rf $(BUILD) pvm

# ---- install: the binary, its man pages, bash completion ----
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
MAN_PAGES := $(wildcard docs/man/*.1)

install: pvm
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 pvm $(DESTDIR)$(BINDIR)/pvm
	for m in $(MAN_PAGES); do \
		gzip -9n -c $$m >$(DESTDIR)$(MAN1DIR)/$${m##*/}.gz && \
		chmod 0644 $(DESTDIR)$(MAN1DIR)/$${m##*/}.gz || exit 1; \
	done
	ln -sf pvm-pause.1.gz $(DESTDIR)$(MAN1DIR)/pvm-resume.1.gz
	install -m 0644 scripts/completion/pvm.bash $(DESTDIR)$(BASHCOMPDIR)/pvm

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pvm $(DESTDIR)$(BASHCOMPDIR)/pvm
	rm -f $(addprefix $(DESTDIR)$(MAN1DIR)/,$(notdir $(MAN_PAGES:=.gz)) pvm-resume.1.gz)

# A ppc64el .deb of the static binary (scripts/mkdeb.sh; checked with lintian).
deb: pvm
	scripts/mkdeb.sh

.PHONY: all unit layers unit-build unit-asan unit-tsan fuzz fuzz-build lab-check check clean FORCE install uninstall deb

# ---- static test binaries for the L2 guest (build/guest/ -> its initramfs)
# and the LPAR (build/lab/); docs/guest-tests.md ----
GUEST_CFLAGS := -O2 $(WARN) -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE -I$(HARNESS_DIR)
GUEST_BINS := $(BUILD)/guest/tests/hvpipe $(BUILD)/lab/hvpipe-peer \
	$(BUILD)/guest/usr/bin/blkbench $(BUILD)/guest/usr/bin/hcallbench

$(BUILD)/guest/tests/hvpipe: guest-tests/hvpipe/hvpipe-test.c guest-tests/hvpipe/msggen.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -static -o $@ $<

$(BUILD)/lab/hvpipe-peer: guest-tests/hvpipe/hvpipe-peer.c guest-tests/hvpipe/msggen.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -static -o $@ $<

# The disk benchmark is /usr/bin/blkbench in the guest: /tests/blkbench is its
# wrapper (guest-tests/linux/tests/blkbench, pvmtest=blkbench).
$(BUILD)/guest/usr/bin/blkbench: guest-tests/bench/blkbench.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -static -o $@ $<

# The VMM round-trip benchmark (pvmtest=hcallbench, scripts/bench.sh).
$(BUILD)/guest/usr/bin/hcallbench: guest-tests/bench/hcallbench.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -static -o $@ $<

guest-bins: $(GUEST_BINS)

all: guest-bins

.PHONY: guest-bins

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
