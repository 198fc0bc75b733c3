// SPDX-License-Identifier: GPL-2.0
#include <elf.h>
#include <pthread.h>
#include <sched.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <unistd.h>

#include "pvm/guest-mem.h"
#include "pvm/loader.h"

#define ADDR_MASK 0x0fffffffULL

static unsigned int nr_readers(void);

struct elf_rd {
	const u8 *ph;	/* the program header table, read from the source */
	u16 phnum;
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

static u64 ph64(const struct elf_rd *e, unsigned int i, size_t field)
{
	return rd64(e, e->ph + (size_t)i * sizeof(Elf64_Phdr) + field);
}

static bool is_load(const struct elf_rd *e, unsigned int i)
{
	return rd32(e, e->ph + (size_t)i * sizeof(Elf64_Phdr) + offsetof(Elf64_Phdr, p_type)) ==
	       PT_LOAD;
}

/*
 * Two passes: validate every segment first so a bad image writes nothing,
 * then read each one from the source straight to where it goes.
 */
static int load_segments(struct guest_mem *gm, const struct elf_rd *e, struct load_src *src,
			 u64 base, u64 limit, struct load_info *li, bool write, bool zeroed)
{
	unsigned int i, nload = 0;
	int ret;

	for (i = 0; i < e->phnum; i++) {
		u64 off, filesz, memsz, dest;
		u8 *p;

		if (!is_load(e, i))
			continue;
		off = ph64(e, i, offsetof(Elf64_Phdr, p_offset));
		filesz = ph64(e, i, offsetof(Elf64_Phdr, p_filesz));
		memsz = ph64(e, i, offsetof(Elf64_Phdr, p_memsz));
		dest = (ph64(e, i, offsetof(Elf64_Phdr, p_paddr)) & ADDR_MASK) + base;
		if (filesz > memsz || off > src->size || filesz > src->size - off)
			return -EINVAL;
		if (memsz > limit || dest > limit - memsz)
			return -E2BIG;
		if (!memsz)
			continue;
		p = gm ? gmem__ptr(gm, dest, memsz) : NULL;
		if (gm && !p)
			return -E2BIG;
		if (write) {
			ret = loader__read(src, off, p, filesz);
			if (ret)
				return ret;
			/*
			 * The BSS: memory known to be zero is left alone (no
			 * page touched), unless an earlier segment may have
			 * written there.
			 */
			if (!zeroed || (nload && dest + filesz < li->high && dest + memsz > li->low))
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
static u64 entry_addr(const struct elf_rd *e, u64 base, u64 entry)
{
	unsigned int i;

	for (i = 0; i < e->phnum; i++) {
		u64 vaddr = ph64(e, i, offsetof(Elf64_Phdr, p_vaddr));
		u64 memsz = ph64(e, i, offsetof(Elf64_Phdr, p_memsz));

		if (!is_load(e, i))
			continue;
		if (entry >= vaddr && entry - vaddr < memsz)
			return (ph64(e, i, offsetof(Elf64_Phdr, p_paddr)) & ADDR_MASK) +
			       base + (entry - vaddr);
	}
	return (entry & ADDR_MASK) + base;
}

int loader__load(struct guest_mem *gm, u64 base, u64 limit, struct load_src *src,
		 bool zeroed, struct load_info *li)
{
	u8 h[sizeof(Elf64_Ehdr)];
	struct elf_rd e = { 0 };
	u8 *ph;
	u64 phoff;
	int ret;

	/* Shorter than an ELF header: not an ELF at all. */
	if (src->size < sizeof(h))
		return -ENOEXEC;
	ret = loader__read(src, 0, h, sizeof(h));
	if (ret)
		return ret;
	if (memcmp(h, ELFMAG, SELFMAG) || h[EI_CLASS] != ELFCLASS64)
		return -ENOEXEC;
	if (h[EI_DATA] == ELFDATA2MSB)
		e.be = true;
	else if (h[EI_DATA] != ELFDATA2LSB)
		return -ENOEXEC;
	if (rd16(&e, h + offsetof(Elf64_Ehdr, e_machine)) != EM_PPC64)
		return -ENOEXEC;

	phoff = rd64(&e, h + offsetof(Elf64_Ehdr, e_phoff));
	e.phnum = rd16(&e, h + offsetof(Elf64_Ehdr, e_phnum));
	if (rd16(&e, h + offsetof(Elf64_Ehdr, e_phentsize)) != sizeof(Elf64_Phdr) ||
	    !e.phnum || phoff > src->size ||
	    (u64)e.phnum * sizeof(Elf64_Phdr) > src->size - phoff)
		return -EINVAL;
	/* A vmlinux has a handful; e_phnum's 16 bits bound it at 3.5 MiB. */
	ph = malloc((size_t)e.phnum * sizeof(Elf64_Phdr));
	if (!ph)
		return -ENOMEM;
	e.ph = ph;
	ret = loader__read(src, phoff, ph, (u64)e.phnum * sizeof(Elf64_Phdr));
	if (ret)
		goto out;

	memset(li, 0, sizeof(*li));
	ret = load_segments(gm, &e, src, base, limit, li, false, zeroed);
	if (!ret && gm) {
		/* Again from nothing: li then spans the segments written so far. */
		memset(li, 0, sizeof(*li));
		ret = load_segments(gm, &e, src, base, limit, li, true, zeroed);
	}
	if (!ret)
		li->entry = entry_addr(&e, base, rd64(&e, h + offsetof(Elf64_Ehdr, e_entry)));
out:
	free(ph);
	return ret;
}

int loader__load_elf(struct guest_mem *gm, u64 base, u64 limit,
		     const void *img, size_t len, struct load_info *li)
{
	return loader__load(gm, base, limit, LOAD_SRC_BUF(img, len), false, li);
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
 * The file stays open only while it is read: no mapping, no copy. A file
 * truncated or rewritten under a running VM can neither crash pvm (as a
 * SIGBUS on a mapping would) nor cost its size in resident memory.
 */
int loader__open(const char *path, u64 max, struct load_src *src)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	*src = (struct load_src){ .fd = -1 };
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		ret = -errno;
	else if (!S_ISREG(st.st_mode))
		ret = -EISDIR;
	else if (!st.st_size)
		ret = -ENODATA;
	else if ((u64)st.st_size > max)
		ret = -EFBIG;
	else
		ret = 0;
	if (ret) {
		close(fd);
		return ret;
	}
	src->fd = fd;
	src->size = st.st_size;
	nr_readers();
	return 0;
}

void loader__close(struct load_src *src)
{
	if (!src->buf && src->fd >= 0)
		close(src->fd);
	src->fd = -1;
}

/* pread() until len bytes are in: 0, -errno, or -ESTALE when the file ends first. */
static int read_span(int fd, u64 off, u8 *d, u64 len)
{
	while (len) {
		ssize_t n = pread(fd, d, MIN(len, (u64)SSIZE_MAX), off);

		if (n < 0 && errno == EINTR)
			continue;
		/* Shrunk since it was opened: what is there is not the image. */
		if (n <= 0)
			return n ? -errno : -ESTALE;
		d += n;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * A kernel is tens of MiB, and reading it into fresh guest RAM is the
 * largest part of pvm's own share of a boot: each page is faulted in and
 * zeroed, then copied into. Readers on more CPUs share that work, each on
 * its own run of 2 MiB blocks (one transparent huge page is faulted by one
 * reader). Reads shorter than READ_SPLIT_MIN are not worth a thread.
 */
#define READ_SPLIT_MIN	(8ULL << 20)
#define READ_SPLIT_MAX	4
#define READ_BLOCK	(2ULL << 20)

struct read_part {
	pthread_t thread;
	int fd;
	u64 off;
	u8 *dst;
	u64 len;
	int ret;
};

static void *read_part(void *arg)
{
	struct read_part *p = arg;

	p->ret = read_span(p->fd, p->off, p->dst, p->len);
	return NULL;
}

/*
 * Counted once, by the first loader__open() (pvm run checks its images
 * before the sandbox, whose filters have no sched_getaffinity); a reboot in
 * place reuses the count.
 */
static unsigned int nr_readers(void)
{
	static unsigned int nr;
	cpu_set_t set;

	if (!nr) {
		nr = sched_getaffinity(0, sizeof(set), &set) ? 1 : CPU_COUNT(&set);
		nr = MIN(MAX(nr, 1u), READ_SPLIT_MAX);
	}
	return nr;
}

static int read_split(int fd, u64 off, u8 *dst, u64 len)
{
	struct read_part part[READ_SPLIT_MAX];
	unsigned int n = nr_readers(), i, started;
	u64 done = 0;
	int ret = 0;

	for (i = 0; i < n; i++) {
		/* Split at 2 MiB boundaries of the destination. */
		u64 end = i == n - 1 ? len :
			  ALIGN_UP((uintptr_t)dst + len / n * (i + 1), READ_BLOCK) - (uintptr_t)dst;

		end = MIN(MAX(end, done), len);
		part[i] = (struct read_part){ .fd = fd, .off = off + done, .dst = dst + done,
					      .len = end - done };
		done = end;
	}
	/* The caller reads the last part; a reader that cannot start is read inline. */
	for (started = 0; started < n - 1; started++)
		if (pthread_create(&part[started].thread, NULL, read_part, &part[started]))
			break;
	for (i = started; i < n; i++)
		read_part(&part[i]);
	for (i = 0; i < n; i++) {
		if (i < started)
			pthread_join(part[i].thread, NULL);
		if (!ret)
			ret = part[i].ret;
	}
	return ret;
}

int loader__read(struct load_src *src, u64 off, void *dst, u64 len)
{
	int ret;

	/* The loader checks every range against the size first. */
	if (off > src->size || len > src->size - off)
		return -EINVAL;
	if (src->buf) {
		memcpy(dst, (const u8 *)src->buf + off, len);
		return 0;
	}
	if (len >= READ_SPLIT_MIN && nr_readers() > 1)
		ret = read_split(src->fd, off, dst, len);
	else
		ret = read_span(src->fd, off, dst, len);
	if (ret)
		src->read_err = ret;
	return ret;
}
