/*
 * The arena: the one block of caller memory a stack carves its buffers
 * from at init, with marks to give back a failed init's allocations.  No
 * allocator exists after init, so worst-case memory is known up front.
 */
#include "core/mem.h"

#include "netboot/core.h"

void nb_arena_init(struct nb_arena *a, void *mem, size_t len)
{
	a->base = mem;
	a->len = mem ? len : 0;
	a->used = 0;
}

void *nb_arena_alloc(struct nb_arena *a, size_t size, size_t align)
{
	if (!a->base || !align || (align & (align - 1)) || align > 64)
		return NULL;
	uintptr_t start = (uintptr_t)(a->base + a->used);
	size_t pad = (size_t)((align - (start & (align - 1))) & (align - 1));
	if (pad > a->len - a->used || size > a->len - a->used - pad)
		return NULL;
	uint8_t *p = a->base + a->used + pad;
	a->used += pad + size;
	memset(p, 0, size);
	return p;
}

size_t nb_arena_mark(const struct nb_arena *a)
{
	return a->used;
}

void nb_arena_reset(struct nb_arena *a, size_t mark)
{
	if (mark <= a->used)
		a->used = mark;
}
