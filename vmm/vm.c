// SPDX-License-Identifier: GPL-2.0
/* VM lifecycle that does not depend on the accelerator: layout, exit, FDT. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libfdt.h>

#include "pvm/accel.h"
#include "pvm/fdt.h"
#include "pvm/hcall.h"
#include "pvm/loader.h"
#include "pvm/log.h"
#include "pvm/vm.h"

int vm__init(struct vm *vm, const struct vm_config *cfg)
{
	memset(vm, 0, sizeof(*vm));
	vm->cfg = *cfg;
	if (!vm->cfg.threads)
		vm->cfg.threads = 1;
	if (!vm->cfg.nr_cores)
		vm->cfg.nr_cores = 1;
	if (vm->cfg.max_cores < vm->cfg.nr_cores)
		vm->cfg.max_cores = vm->cfg.nr_cores;
	vm->exit_reason = VM_EXIT_NONE;
	vm->timebase_freq = 512000000;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_mutex_init(&vm->irq_lock, NULL);
	pthread_cond_init(&vm->pause_cond, NULL);
	clock_gettime(CLOCK_MONOTONIC, &vm->start);
	vm->exit_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->exit_efd < 0)
		return -errno;
	if (hcall__init(vm))
		return -ENOMEM;
	return mmio__init(&vm->mmio);
}

void vm__exit(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm__nr_vcpus(vm); i++)
		vcpu__free(vm->vcpus[i]);
	vm->nr_vcpus = 0;
	hcall__exit(vm);
	if (vm->exit_efd >= 0)
		close(vm->exit_efd);
	vm->exit_efd = -1;
	mmio__exit(&vm->mmio);
}

struct vcpu *vm__find_vcpu(struct vm *vm, unsigned int server)
{
	unsigned int i;

	for (i = 0; i < vm__nr_vcpus(vm); i++)
		if (vm->vcpus[i]->id == server)
			return vm->vcpus[i];
	return NULL;
}

void vm__request_exit(struct vm *vm, enum vm_exit why)
{
	u64 one = 1;
	unsigned int i;
	ssize_t n __unused;

	pthread_mutex_lock(&vm->lock);
	/* The host stopping pvm, or a vCPU failing, wins over a reboot in place. */
	if (vm->exit_reason == VM_EXIT_NONE ||
	    (vm->exit_reason == VM_EXIT_REBOOT && (why == VM_EXIT_SIGNAL || why == VM_EXIT_FAULT)))
		vm->exit_reason = why;
	for (i = 0; i < vm__nr_vcpus(vm); i++)
		pthread_cond_broadcast(&vm->vcpus[i]->cond);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->lock);
	for (i = 0; i < vm__nr_vcpus(vm); i++)
		accel__kick(vm->vcpus[i]);
	n = write(vm->exit_efd, &one, sizeof(one));
}

void vm__pause(struct vm *vm, bool pause)
{
	unsigned int i;

	pthread_mutex_lock(&vm->lock);
	vm->paused = pause;
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->lock);
	if (pause)
		for (i = 0; i < vm__nr_vcpus(vm); i++)
			accel__kick(vm->vcpus[i]);
}

bool vm__wait_unpaused(struct vm *vm)
{
	bool run;

	pthread_mutex_lock(&vm->lock);
	while (vm->paused && vm->exit_reason == VM_EXIT_NONE)
		pthread_cond_wait(&vm->pause_cond, &vm->lock);
	run = vm->exit_reason == VM_EXIT_NONE;
	pthread_mutex_unlock(&vm->lock);
	return run;
}

bool vm__exiting(struct vm *vm)
{
	bool ret;

	pthread_mutex_lock(&vm->lock);
	ret = vm->exit_reason != VM_EXIT_NONE;
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

/*
 * Layout: the kernel at KERNEL_LOAD_ADDR (Linux then copies itself to 0), the
 * initrd right after its image, RTAS and the FDT in the last MiB below
 * min(RAM, 1 GiB): RTAS runs in 32-bit real mode and QEMU keeps them low too.
 * Both images are read from their sources straight into guest RAM.
 */
int vm__load(struct vm *vm, struct load_src *kernel, struct load_src *initrd)
{
	u64 fw_top = MIN(vm->cfg.ram_size, FW_AREA_LIMIT), fw_base;
	/* Whatever happens below, RAM is no longer known to be all zero. */
	bool zeroed = vm->ram_zeroed;
	struct load_info li;
	u64 ilen = initrd ? initrd->size : 0;
	int ret;

	vm->ram_zeroed = false;
	if (fw_top < KERNEL_LOAD_ADDR + FW_AREA_SIZE)
		return -E2BIG;
	fw_base = ALIGN_DOWN(fw_top - FW_AREA_SIZE, SZ_64K);
	vm->rtas_base = fw_base;
	vm->rtas_size = RTAS_AREA_SIZE;
	vm->fdt_addr = fw_base + RTAS_AREA_SIZE;

	ret = loader__load(&vm->mem, KERNEL_LOAD_ADDR, fw_base, kernel, zeroed, &li);
	if (ret)
		return ret;
	vm->entry = li.entry;
	vm->kernel_end = li.high;

	if (ilen) {
		u64 start = ALIGN_UP(li.high, SZ_64K);
		void *p;

		/* Past the firmware area if it does not fit below it. */
		if (start + ilen > fw_base)
			start = fw_top;
		if (start + ilen > vm->cfg.ram_size || start + ilen < start)
			return -E2BIG;
		p = gmem__ptr(&vm->mem, start, ilen);
		if (!p)
			return -E2BIG;
		ret = loader__read(initrd, 0, p, ilen);
		if (ret)
			return ret;
		vm->initrd_start = start;
		vm->initrd_end = start + ilen;
	}
	return 0;
}

/*
 * Built in pvm's memory and copied in at its packed size: libfdt's
 * fdt_create() clears the whole buffer it is given, and the guest's tree is
 * a few KiB of the 1 MiB it may grow to. Writing only those keeps pvm from
 * touching guest pages the guest may never use, and off the boot's path.
 */
int vm__build_fdt(struct vm *vm)
{
	void *dst = gmem__ptr(&vm->mem, vm->fdt_addr, FDT_MAX_SIZE), *buf = NULL;
	u32 size = SZ_64K;
	int ret;

	if (!dst)
		return -E2BIG;
	for (;;) {
		void *p = realloc(buf, size);

		if (!p) {
			ret = -ENOMEM;
			break;
		}
		buf = p;
		ret = fdt__build(vm, buf, size);
		if (ret != -ENOSPC || size >= FDT_MAX_SIZE)
			break;
		size = MIN(size * 2, (u32)FDT_MAX_SIZE);
	}
	if (!ret)
		memcpy(dst, buf, fdt_totalsize(buf));
	else
		pr_err("cannot build the device tree: %s", strerror(-ret));
	free(buf);
	return ret;
}
