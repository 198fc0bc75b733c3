// SPDX-License-Identifier: GPL-2.0
/* A minimal read-only walker of the flattened device tree's structure block. */
#include "rt.h"

#define FDT_MAGIC 0xd00dfeed
#define TOK_BEGIN_NODE 1
#define TOK_END_NODE 2
#define TOK_PROP 3
#define TOK_NOP 4
#define TOK_END 9

#define HDR(b, field_off) be32((const u8 *)(b) + (field_off))
#define HDR_TOTALSIZE 4
#define HDR_OFF_STRUCT 8
#define HDR_OFF_STRINGS 12

bool fdt_valid(const void *blob)
{
	return blob && HDR(blob, 0) == FDT_MAGIC && HDR(blob, HDR_TOTALSIZE) >= 40;
}

static int align4(int x)
{
	return (x + 3) & ~3;
}

/* Returns the offset of the token after the one at off; -1 past the blob. */
static int next_tok(const void *blob, int off, u32 *tok)
{
	const u8 *b = blob;
	int size = HDR(blob, HDR_TOTALSIZE);

	if (off < 0 || off + 4 > size)
		return -1;
	*tok = be32(b + off);
	off += 4;
	switch (*tok) {
	case TOK_BEGIN_NODE:
		while (off < size && b[off])
			off++;
		off = align4(off + 1);
		break;
	case TOK_PROP:
		if (off + 8 > size)
			return -1;
		off = align4(off + 8 + be32(b + off));
		break;
	case TOK_END_NODE:
	case TOK_NOP:
	case TOK_END:
		break;
	default:
		return -1;
	}
	return off <= size ? off : -1;
}

const char *fdt_name(const void *blob, int node)
{
	return (const char *)blob + node + 4;
}

int fdt_child(const void *blob, int node, int index)
{
	int off, cur, depth = 0;
	u32 t;

	off = next_tok(blob, node, &t);
	if (off < 0 || t != TOK_BEGIN_NODE)
		return -1;
	for (;;) {
		cur = off;
		off = next_tok(blob, off, &t);
		if (off < 0 || t == TOK_END)
			return -1;
		if (t == TOK_BEGIN_NODE) {
			if (!depth && !index--)
				return cur;
			depth++;
		} else if (t == TOK_END_NODE) {
			if (!depth)
				return -1;
			depth--;
		}
	}
}

/* "vty" matches "vty@30000000"; "vty@30000000" only matches itself. */
static bool name_matches(const char *name, const char *comp, int clen)
{
	int i;

	if (strncmp(name, comp, clen))
		return false;
	if (!name[clen])
		return true;
	for (i = 0; i < clen; i++)
		if (comp[i] == '@')
			return false;
	return name[clen] == '@';
}

static int root_node(const void *blob)
{
	int off = HDR(blob, HDR_OFF_STRUCT), next;
	u32 t;

	for (;;) {
		next = next_tok(blob, off, &t);
		if (next < 0)
			return -1;
		if (t == TOK_BEGIN_NODE)
			return off;
		if (t != TOK_NOP)
			return -1;
		off = next;
	}
}

int fdt_path(const void *blob, const char *path)
{
	int node = root_node(blob), child, i, clen;

	while (node >= 0 && *path) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		for (clen = 0; path[clen] && path[clen] != '/'; clen++)
			;
		for (i = 0; (child = fdt_child(blob, node, i)) >= 0; i++)
			if (name_matches(fdt_name(blob, child), path, clen))
				break;
		node = child;
		path += clen;
	}
	return node;
}

const void *fdt_prop(const void *blob, int node, const char *name, int *len)
{
	const char *strings = (const char *)blob + HDR(blob, HDR_OFF_STRINGS);
	const u8 *b = blob;
	int off, cur;
	u32 t;

	if (node < 0)
		return NULL;
	off = next_tok(blob, node, &t);
	while (off >= 0) {
		cur = off;
		off = next_tok(blob, off, &t);
		if (off < 0 || (t != TOK_PROP && t != TOK_NOP))
			break;
		if (t == TOK_PROP && !strcmp(strings + be32(b + cur + 8), name)) {
			if (len)
				*len = be32(b + cur + 4);
			return b + cur + 12;
		}
	}
	return NULL;
}

bool fdt_prop_u32(const void *blob, int node, const char *name, u32 *val)
{
	int len;
	const void *p = fdt_prop(blob, node, name, &len);

	if (!p || len < 4)
		return false;
	*val = be32(p);
	return true;
}
