// Helpers for the benchmark harness that Swift on Linux cannot spell: CPU affinity needs
// _GNU_SOURCE.
#ifndef DM_BENCH_H
#define DM_BENCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Pins the calling thread to `cpu`; returns 0 or an errno.
int dm_pin_to_cpu(int cpu);
/// CPUs the process may run on.
int dm_online_cpus(void);
/// The CPU the calling thread runs on now (0 if unknown).
int dm_current_cpu(void);
/// Bytes malloc has handed out and not yet taken back, chunk headers included (mallinfo2).
size_t dm_malloc_in_use(void);
/// The usable size of one malloc'd block.
size_t dm_malloc_usable_size(const void *block);
/// Keeps up to `trim` bytes of free heap instead of returning it, and grows heaps by `pad`
/// extra bytes (mallopt M_TRIM_THRESHOLD, M_TOP_PAD): for workloads that build and drop
/// the same structures over and over.
void dm_malloc_retain_heap(size_t trim, size_t pad);

#ifdef __cplusplus
}
#endif
#endif
