// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk formats: its configuration space (§5.2.4), its per-type
 * counters, and requests (virtio 1.x §5.2.6; spec §D.2): the guest's chain is
 * a 16-byte readable header {type u32, reserved u32, sector u64}, data
 * segments, and a writable status byte at the very end. Everything in it is
 * the guest's to make up, so every length is checked before the engine
 * (virtio/block-io.c) sees an offset, and a chain that is wrong in any way
 * gets IOERR or UNSUPP, never a host error or a crash.
 */
#include <errno.h>
#include <string.h>

#include "pvm/log.h"
#include "blk-priv.h"

#define SECTOR 512ULL

/* Copy len readable bytes starting at byte off of the chain's readable part. */
static bool chain_read(const struct virtq_chain *c, u64 off, void *dst, u64 len)
{
	unsigned int i;
	u8 *d = dst;

	for (i = 0; i < c->nr_out && len; i++) {
		u64 n;

		if (off >= c->seg[i].len) {
			off -= c->seg[i].len;
			continue;
		}
		n = MIN((u64)c->seg[i].len - off, len);
		memcpy(d, (u8 *)c->seg[i].ptr + off, n);
		d += n;
		len -= n;
		off = 0;
	}
	return !len;
}

static u64 le64_at(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static u32 le32_at(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

/* The iovecs of the readable bytes from off on; returns their total. */
static u64 map_out(struct blk_req *req, const struct virtq_chain *c, u64 off)
{
	unsigned int i, n = 0;
	u64 total = 0;

	for (i = 0; i < c->nr_out; i++) {
		if (off >= c->seg[i].len) {
			off -= c->seg[i].len;
			continue;
		}
		req->iov[n].iov_base = (u8 *)c->seg[i].ptr + off;
		req->iov[n].iov_len = c->seg[i].len - off;
		total += req->iov[n++].iov_len;
		off = 0;
	}
	req->io.iov = req->iov;
	req->io.iovcnt = n;
	return total;
}

/* The iovecs of the writable bytes but the status byte; returns their total. */
static u64 map_in(struct blk_req *req, const struct virtq_chain *c)
{
	unsigned int i, n = 0;
	u64 total = 0;

	for (i = c->nr_out; i < c->nr; i++) {
		u32 len = c->seg[i].len - (i == c->nr - 1);

		if (!len)
			continue;
		req->iov[n].iov_base = c->seg[i].ptr;
		req->iov[n].iov_len = len;
		total += len;
		n++;
	}
	req->io.iov = req->iov;
	req->io.iovcnt = n;
	return total;
}

/* sectors at sector: inside the disk and on its block size? */
static bool range_ok(const struct virtio_blk *blk, u64 sector, u64 sectors)
{
	u64 per_block = blk->blk_size / SECTOR;

	if (sector > blk->capacity || sectors > blk->capacity - sector)
		return false;
	return !(sector % per_block) && !(sectors % per_block);
}

static int rw(struct virtio_blk *blk, struct blk_req *req, const struct virtq_chain *c,
	      u64 sector)
{
	bool write = req->type == VIRTIO_BLK_T_OUT;
	u64 len = write ? map_out(req, c, 16) : map_in(req, c);

	if (write && blk->ro)
		return VIRTIO_BLK_S_IOERR;
	if (len % SECTOR || !range_ok(blk, sector, len / SECTOR))
		return VIRTIO_BLK_S_IOERR;
	req->io.op = write ? BLKIO_WRITE : BLKIO_READ;
	req->io.off = sector * SECTOR;
	req->io.len = len;
	if (!write)
		req->used_len = len + 1;
	return len ? -EINPROGRESS : VIRTIO_BLK_S_OK;
}

static int get_id(struct virtio_blk *blk, struct blk_req *req, const struct virtq_chain *c)
{
	u64 room = c->in_len - 1;
	u32 n = MIN(room, (u64)VIRTIO_BLK_ID_BYTES);

	/* A short buffer gets what fits; Linux always gives 20 bytes. */
	req->used_len = virtq__copy_to(c, blk->serial, n) + 1;
	return VIRTIO_BLK_S_OK;
}

/* DISCARD and WRITE_ZEROES: one {sector u64, num_sectors u32, flags u32} range. */
static int zero_range(struct virtio_blk *blk, struct blk_req *req, const struct virtq_chain *c)
{
	bool discard = req->type == VIRTIO_BLK_T_DISCARD;
	u64 payload = c->out_len - 16, sector;
	u32 sectors, flags;
	u8 r[16];

	if (blk->ro)
		return VIRTIO_BLK_S_IOERR;
	/* max_discard_seg = max_write_zeroes_seg = 1 in the config. */
	if (payload != sizeof(r) || !chain_read(c, 16, r, sizeof(r)))
		return VIRTIO_BLK_S_IOERR;
	sector = le64_at(r);
	sectors = le32_at(r + 8);
	flags = le32_at(r + 12);
	if (flags & ~(discard ? 0 : VIRTIO_BLK_WZ_UNMAP))
		return VIRTIO_BLK_S_UNSUPP;
	if (sectors > BLK_MAX_DZ_SECTORS || !range_ok(blk, sector, sectors))
		return VIRTIO_BLK_S_IOERR;
	if (!sectors)
		return VIRTIO_BLK_S_OK;
	req->io.op = discard ? BLKIO_DISCARD : BLKIO_WRITE_ZEROES;
	req->io.unmap = flags & VIRTIO_BLK_WZ_UNMAP;
	req->io.off = sector * SECTOR;
	req->io.len = (u64)sectors * SECTOR;
	return -EINPROGRESS;
}

int blk__request(struct virtio_blk *blk, struct blk_req *req, const struct virtq_chain *c)
{
	const struct virtq_seg *last;
	u8 hdr[16];
	u64 sector;

	req->head = c->head;
	req->used_len = 1;
	req->status = NULL;
	req->io = (struct blkio_req){ 0 };
	/* The status is the chain's last byte, and the guest must be able to read it. */
	if (c->nr == c->nr_out || !c->nr)
		return -ENOSPC;
	last = &c->seg[c->nr - 1];
	req->status = (u8 *)last->ptr + last->len - 1;
	if (c->out_len < sizeof(hdr) || !chain_read(c, 0, hdr, sizeof(hdr)))
		return VIRTIO_BLK_S_IOERR;
	req->type = le32_at(hdr) > 0xff ? 0xff : le32_at(hdr);
	sector = le64_at(hdr + 8);
	if (le32_at(hdr) > 0xff)
		return VIRTIO_BLK_S_UNSUPP;

	switch (req->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return rw(blk, req, c, sector);
	case VIRTIO_BLK_T_FLUSH:
		/* Nothing was written to a read-only disk: nothing to make durable. */
		if (blk->ro)
			return VIRTIO_BLK_S_OK;
		req->io.op = BLKIO_FLUSH;
		return -EINPROGRESS;
	case VIRTIO_BLK_T_GET_ID:
		return get_id(blk, req, c);
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return zero_range(blk, req, c);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* pvm stat's per-type counters. */
void blk__count_type(struct virtio_blk *blk, u8 type)
{
	blk__count(blk, requests, 1);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		blk__count(blk, reads, 1);
		break;
	case VIRTIO_BLK_T_OUT:
		blk__count(blk, writes, 1);
		break;
	case VIRTIO_BLK_T_FLUSH:
		blk__count(blk, flushes, 1);
		break;
	case VIRTIO_BLK_T_DISCARD:
		blk__count(blk, discards, 1);
		break;
	case VIRTIO_BLK_T_WRITE_ZEROES:
		blk__count(blk, write_zeroes, 1);
		break;
	}
}

static void put_le32(u8 *p, u32 v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

/* The device's configuration space (§5.2.4), little-endian. */
void blk__fill_config(struct virtio_blk *blk)
{
	u64 cap = htole64(blk->capacity);
	u8 *c = blk->config;

	memcpy(c + VIRTIO_BLK_CFG_CAPACITY, &cap, 8);
	put_le32(c + VIRTIO_BLK_CFG_SIZE_MAX, BLK_SIZE_MAX);
	put_le32(c + VIRTIO_BLK_CFG_SEG_MAX, BLK_SEG_MAX);
	put_le32(c + VIRTIO_BLK_CFG_BLK_SIZE, blk->blk_size);
	c[VIRTIO_BLK_CFG_NUM_QUEUES] = 1;
	put_le32(c + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, BLK_MAX_DZ_SECTORS);
	put_le32(c + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 1);
	put_le32(c + VIRTIO_BLK_CFG_DISCARD_ALIGN, blk->blk_size / 512);
	put_le32(c + VIRTIO_BLK_CFG_MAX_WZ_SECTORS, BLK_MAX_DZ_SECTORS);
	put_le32(c + VIRTIO_BLK_CFG_MAX_WZ_SEG, 1);
	c[VIRTIO_BLK_CFG_WZ_MAY_UNMAP] = 1;
}
