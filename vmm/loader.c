// SPDX-License-Identifier: GPL-2.0
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>

#include "pvm/guest-mem.h"
#include "pvm/loader.h"

#define ADDR_MASK 0x0fffffffULL

struct elf_rd {
	const u8 *img;
	bool be;
};

static u16 rd16(const struct elf_rd *e, const void *p)
{
	u16 v;

	memcpy(&v, p, 2);
	return e->be ? be16toh(v) : le16toh(v);
}

static u32 rd32(const struct elf_rd *e, const void *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return e->be ? be32toh(v) : le32toh(v);
}

static u64 rd64(const struct elf_rd *e, const void *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return e->be ? be64toh(v) : le64toh(v);
}

/* Two passes: validate every segment first so a bad image writes nothing. */
static int load_segments(struct guest_mem *gm, const struct elf_rd *e, size_t len,
			 u64 phoff, u16 phnum, u64 base, u64 limit,
			 struct load_info *li, bool write)
{
	unsigned int i, nload = 0;

	for (i = 0; i < phnum; i++) {
		const u8 *ph = e->img + phoff + (u64)i * sizeof(Elf64_Phdr);
		u64 off, filesz, memsz, dest;
		u8 *p;

		if (rd32(e, ph + offsetof(Elf64_Phdr, p_type)) != PT_LOAD)
			continue;
		off = rd64(e, ph + offsetof(Elf64_Phdr, p_offset));
		filesz = rd64(e, ph + offsetof(Elf64_Phdr, p_filesz));
		memsz = rd64(e, ph + offsetof(Elf64_Phdr, p_memsz));
		dest = (rd64(e, ph + offsetof(Elf64_Phdr, p_paddr)) & ADDR_MASK) + base;
		if (filesz > memsz || off > len || filesz > len - off)
			return -EINVAL;
		if (memsz > limit || dest > limit - memsz)
			return -E2BIG;
		if (!memsz)
			continue;
		p = gm ? gmem__ptr(gm, dest, memsz) : NULL;
		if (gm && !p)
			return -E2BIG;
		if (write) {
			memcpy(p, e->img + off, filesz);
			memset(p + filesz, 0, memsz - filesz);
		}
		if (!nload++ || dest < li->low)
			li->low = dest;
		li->high = MAX(li->high, dest + memsz);
	}
	return nload ? 0 : -EINVAL;
}

/*
 * The entry point is a virtual address: find the PT_LOAD that holds it and
 * start at the same offset into where that segment was put. A vmlinux
 * (vaddr 0xc000..., paddr 0) thus starts at base; a payload linked to run at
 * 0x400000 with AT(0) starts at its own entry. Otherwise mask it like p_paddr.
 */
static u64 entry_addr(const struct elf_rd *e, u64 phoff, u16 phnum, u64 base, u64 entry)
{
	unsigned int i;

	for (i = 0; i < phnum; i++) {
		const u8 *ph = e->img + phoff + (u64)i * sizeof(Elf64_Phdr);
		u64 vaddr = rd64(e, ph + offsetof(Elf64_Phdr, p_vaddr));
		u64 memsz = rd64(e, ph + offsetof(Elf64_Phdr, p_memsz));

		if (rd32(e, ph + offsetof(Elf64_Phdr, p_type)) != PT_LOAD)
			continue;
		if (entry >= vaddr && entry - vaddr < memsz)
			return (rd64(e, ph + offsetof(Elf64_Phdr, p_paddr)) & ADDR_MASK) +
			       base + (entry - vaddr);
	}
	return (entry & ADDR_MASK) + base;
}

int loader__load_elf(struct guest_mem *gm, u64 base, u64 limit,
		     const void *img, size_t len, struct load_info *li)
{
	const u8 *h = img;
	struct elf_rd e = { .img = img };
	u64 phoff;
	u16 phnum;
	int ret;

	if (len < EI_NIDENT || memcmp(h, ELFMAG, SELFMAG))
		return -ENOEXEC;
	if (len < sizeof(Elf64_Ehdr) || h[EI_CLASS] != ELFCLASS64)
		return -ENOEXEC;
	if (h[EI_DATA] == ELFDATA2MSB)
		e.be = true;
	else if (h[EI_DATA] != ELFDATA2LSB)
		return -ENOEXEC;
	if (rd16(&e, h + offsetof(Elf64_Ehdr, e_machine)) != EM_PPC64)
		return -ENOEXEC;

	phoff = rd64(&e, h + offsetof(Elf64_Ehdr, e_phoff));
	phnum = rd16(&e, h + offsetof(Elf64_Ehdr, e_phnum));
	if (rd16(&e, h + offsetof(Elf64_Ehdr, e_phentsize)) != sizeof(Elf64_Phdr) ||
	    !phnum || phoff > len || (u64)phnum * sizeof(Elf64_Phdr) > len - phoff)
		return -EINVAL;

	memset(li, 0, sizeof(*li));
	ret = load_segments(gm, &e, len, phoff, phnum, base, limit, li, false);
	if (ret)
		return ret;
	if (gm) {
		ret = load_segments(gm, &e, len, phoff, phnum, base, limit, li, true);
		if (ret)
			return ret;
	}
	li->entry = entry_addr(&e, phoff, phnum, base,
			       rd64(&e, h + offsetof(Elf64_Ehdr, e_entry)));
	return 0;
}

const char *loader__strerror(int err)
{
	switch (err) {
	case -ENOEXEC:
		return "not a 64-bit PowerPC ELF image";
	case -EINVAL:
		return "malformed ELF image (bad program headers or no loadable segment)";
	case -E2BIG:
		return "image does not fit in guest memory";
	default:
		return strerror(-err);
	}
}

/*
 * The whole file, read into memory pvm owns: the image is copied into the
 * guest and freed right after, so a file truncated or rewritten under a
 * running VM can neither crash pvm (as a SIGBUS on a mapping would) nor cost
 * its size in resident memory for the VM's life.
 */
int loader__read_file(const char *path, size_t max, void **data, size_t *len)
{
	struct stat st;
	size_t got = 0;
	u8 *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (!st.st_size || (u64)st.st_size > max) {
		ret = st.st_size ? -EFBIG : -ENODATA;
		goto out;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Shrunk while we read: what we have is not the image. */
			ret = n ? -errno : -ESTALE;
			free(buf);
			goto out;
		}
		got += n;
	}
	*data = buf;
	*len = got;
	ret = 0;
out:
	close(fd);
	return ret;
}
