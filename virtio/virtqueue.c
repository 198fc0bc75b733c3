// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues over guest memory (virtio 1.x §2.7, include/virtio/virtqueue.h).
 *
 * The rings are looked up through gmem__ptr() on every operation rather than
 * cached: memory hot-unplug may retire a region under a live queue, and a
 * lookup is a short scan. Every value the guest controls is read once into a
 * local and checked there, so a guest rewriting the ring while we walk it
 * can make a request fail but cannot make us go out of bounds.
 *
 * Memory ordering follows the driver's side in Linux's virtio_ring.c:
 *   - avail->idx is loaded with acquire: the driver writes the ring entry
 *     and the descriptors, then virtio_wmb(), then the index; what we read
 *     after the index must not be older than it.
 *   - used->idx is stored with release: the used element must be visible
 *     before the index that publishes it.
 *   - a full fence sits between publishing and reading the other side's
 *     event index (ours: used->idx then used_event; and avail_event then
 *     avail->idx). Both sides store one word and then load the other's: only
 *     a full barrier keeps the load from passing the store, and the driver
 *     uses virtio_mb() at the matching points.
 */
#include <errno.h>
#include <string.h>

#include "virtio/virtqueue.h"

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

#define AVAIL_RING(i) (4 + 2 * (u64)(i))	/* also used_event at i = size */
#define USED_RING(i) (4 + 8 * (u64)(i))		/* also avail_event at i = size */

static u64 avail_bytes(const struct virtq *vq)
{
	return AVAIL_RING(vq->size) + 2;
}

static u64 used_bytes(const struct virtq *vq)
{
	return USED_RING(vq->size) + 2;
}

static u16 load16(const void *p, int order)
{
	return le16toh(__atomic_load_n((const u16 *)p, order));
}

static void store16(void *p, u16 v, int order)
{
	__atomic_store_n((u16 *)p, htole16(v), order);
}

int virtq__init(struct virtq *vq, const struct guest_mem *mem, u16 size, u64 desc,
		u64 avail, u64 used, u64 features)
{
	memset(vq, 0, sizeof(*vq));
	if (!size || size > VIRTQ_MAX_SIZE || (size & (size - 1)))
		return -EINVAL;
	/* §2.7: descriptor table 16, avail ring 2, used ring 4 bytes aligned. */
	if (!IS_ALIGNED(desc, 16) || !IS_ALIGNED(avail, 2) || !IS_ALIGNED(used, 4))
		return -EINVAL;
	vq->mem = mem;
	vq->size = size;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->indirect = features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	vq->event_idx = features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	if (!gmem__ptr(mem, desc, 16ULL * size) || !gmem__ptr(mem, avail, avail_bytes(vq)) ||
	    !gmem__ptr(mem, used, used_bytes(vq))) {
		vq->size = 0;
		return -EFAULT;
	}
	return 0;
}

static int add_seg(struct virtq_chain *c, unsigned int max, const struct vring_desc *d,
		   const struct guest_mem *mem)
{
	bool write = d->flags & VIRTQ_DESC_F_WRITE;
	void *p;

	/* Nothing to map; Linux never makes one, but it is not forbidden. */
	if (!d->len)
		return 0;
	/* §2.7.4.2: device-writable buffers come after the readable ones. */
	if (!write && c->nr > c->nr_out)
		return -EINVAL;
	if (c->nr == max)
		return -ENOBUFS;
	p = gmem__ptr(mem, d->addr, d->len);
	if (!p)
		return -EFAULT;
	c->seg[c->nr++] = (struct virtq_seg){ .ptr = p, .gpa = d->addr, .len = d->len,
					      .write = write };
	if (write) {
		c->in_len += d->len;
	} else {
		c->nr_out++;
		c->out_len += d->len;
	}
	return 0;
}

static void read_desc(const u8 *table, u32 i, struct vring_desc *d)
{
	memcpy(d, table + 16ULL * i, sizeof(*d));
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
}

/*
 * Walk the chain at head: direct descriptors, optionally ending in one
 * indirect table (§2.7.5.3). Each table is walked at most as many steps as
 * it has entries, so a loop ends in -ELOOP after at most size + 32768 steps.
 */
static int walk(struct virtq *vq, struct virtq_chain *c, unsigned int max)
{
	const u8 *table = gmem__ptr(vq->mem, vq->desc, 16ULL * vq->size);
	u32 n = vq->size, budget = vq->size, i = c->head;
	bool nested = false;
	int ret;

	if (!table)
		return -EFAULT;
	for (;;) {
		struct vring_desc d;

		if (i >= n)
			return -EINVAL;
		if (!budget--)
			return -ELOOP;
		read_desc(table, i, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* Not negotiated, nested, or chained on: all forbidden. */
			if (!vq->indirect || nested || (d.flags & VIRTQ_DESC_F_NEXT))
				return -EINVAL;
			if (!d.len || d.len % 16 || d.len / 16 > VIRTQ_MAX_SIZE)
				return -EINVAL;
			table = gmem__ptr(vq->mem, d.addr, d.len);
			if (!table)
				return -EFAULT;
			n = budget = d.len / 16;
			i = 0;
			nested = true;
			continue;
		}
		ret = add_seg(c, max, &d, vq->mem);
		if (ret)
			return ret;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		i = d.next;
	}
	return c->out_len + c->in_len ? 0 : -EINVAL;
}

/* EVENT_IDX: tell the driver to notify us once it adds entry last_avail. */
static void set_avail_event(struct virtq *vq, u8 *used)
{
	store16(used + USED_RING(vq->size), vq->last_avail, __ATOMIC_RELAXED);
}

int virtq__pop(struct virtq *vq, struct virtq_chain *c, struct virtq_seg *seg,
	       unsigned int max)
{
	u8 *avail, *used;
	u16 idx, head;
	int ret;

	*c = (struct virtq_chain){ .seg = seg };
	if (!vq->size)
		return -EPROTO;
	avail = gmem__ptr(vq->mem, vq->avail, avail_bytes(vq));
	used = gmem__ptr(vq->mem, vq->used, used_bytes(vq));
	if (!avail || !used)
		return -EPROTO;
	idx = load16(avail + 2, __ATOMIC_ACQUIRE);
	if (idx == vq->last_avail && vq->event_idx) {
		/*
		 * Going idle: ask for a notification at the next entry, then
		 * look again, or an entry added between our look and the
		 * driver's read of avail_event would never be announced.
		 */
		set_avail_event(vq, used);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		idx = load16(avail + 2, __ATOMIC_ACQUIRE);
	}
	if (idx == vq->last_avail)
		return 0;
	/* The driver can be at most a whole ring ahead of us. */
	if ((u16)(idx - vq->last_avail) > vq->size)
		return -EPROTO;
	head = load16(avail + AVAIL_RING(vq->last_avail & (vq->size - 1)), __ATOMIC_RELAXED);
	if (head >= vq->size)
		return -EPROTO;
	vq->last_avail++;
	if (vq->event_idx)
		set_avail_event(vq, used);
	c->head = head;
	ret = walk(vq, c, max);
	if (ret) {
		c->nr = c->nr_out = 0;
		c->out_len = c->in_len = 0;
		return ret;
	}
	return 1;
}

void virtq__unpop(struct virtq *vq, unsigned int n)
{
	/*
	 * avail_event stays where the pops left it: at or past the ring's
	 * end, so the driver still notifies us when it adds more.
	 */
	vq->last_avail -= n;
}

int virtq__push(struct virtq *vq, u16 head, u32 len)
{
	u8 *used, *elem;
	u32 v;

	if (!vq->size)
		return -EPROTO;
	used = gmem__ptr(vq->mem, vq->used, used_bytes(vq));
	if (!used)
		return -EPROTO;
	elem = used + USED_RING(vq->used_idx & (vq->size - 1));
	v = htole32(head);
	memcpy(elem, &v, 4);
	v = htole32(len);
	memcpy(elem + 4, &v, 4);
	vq->used_idx++;
	/* Release: the element above before the index that hands it over. */
	store16(used + 2, vq->used_idx, __ATOMIC_RELEASE);
	return 0;
}

/* Linux's vring_need_event(): did new_idx step over event_idx since old? */
static bool need_event(u16 event_idx, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event_idx - 1) < (u16)(new_idx - old);
}

bool virtq__should_notify(struct virtq *vq)
{
	u16 old = vq->signalled_used, event;
	bool valid = vq->signalled_valid;
	u8 *avail;

	/* Nothing used since the last look: nothing to tell. */
	if (!vq->size || (valid && old == vq->used_idx))
		return false;
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = true;
	avail = gmem__ptr(vq->mem, vq->avail, avail_bytes(vq));
	if (!avail)
		return true;	/* the driver will find out when it looks */
	/*
	 * Our used->idx store before its used_event (or flags) load; the
	 * driver stores used_event then reloads used->idx.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(load16(avail, __ATOMIC_RELAXED) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	event = load16(avail + AVAIL_RING(vq->size), __ATOMIC_RELAXED);
	return !valid || need_event(event, vq->used_idx, old);
}

u64 virtq__copy_to(const struct virtq_chain *c, const void *src, u64 len)
{
	const u8 *s = src;
	u64 done = 0;
	unsigned int i;

	for (i = c->nr_out; i < c->nr && done < len; i++) {
		u64 n = MIN((u64)c->seg[i].len, len - done);

		memcpy(c->seg[i].ptr, s + done, n);
		done += n;
	}
	return done;
}
