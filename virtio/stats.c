// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio device's counters as control "stats" reports them
 * (docs/control-protocol.md): one object per device in "devices".
 */
#include <errno.h>

#include <json-c/json.h>

#include "virtio/virtio.h"

static void add_u64(struct json_object *o, const char *key, const u64 *counter)
{
	json_object_object_add(o, key, json_object_new_int64(
		(s64)__atomic_load_n(counter, __ATOMIC_RELAXED)));
}

int virtio__stats_json(struct virtio_dev *vdev, const char *type, struct json_object *devices)
{
	const struct virtio_stats *st = &vdev->stats;
	struct json_object *o = json_object_new_object();

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "name", json_object_new_string(vdev->name));
	json_object_object_add(o, "type", json_object_new_string(type));
	add_u64(o, "notify_mmio", &st->notify_mmio);
	add_u64(o, "notify_ioeventfd", &st->notify_ioeventfd);
	add_u64(o, "irq_irqfd", &st->irq_irqfd);
	add_u64(o, "irq_pci", &st->irq_pci);
	add_u64(o, "requests", &st->requests);
	add_u64(o, "bytes", &st->bytes);
	add_u64(o, "errors", &st->errors);
	return json_object_array_add(devices, o) ? -ENOMEM : 0;
}
