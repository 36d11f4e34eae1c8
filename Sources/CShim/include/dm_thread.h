// Thread identity and per-thread slots that Swift on Linux cannot spell itself:
// Swift has no thread-local storage of its own, and pthread_getspecific costs ~3.5 ns
// where a C __thread read through an inline function costs ~0.6 ns.
#ifndef DM_THREAD_H
#define DM_THREAD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The kernel thread id of the caller (cached per thread after the first call).
uint64_t dm_gettid(void);

/// Number of execution controllers (interleaving explorers) attached anywhere in the
/// process. Zero on every ordinary run, so the scheduling-point check is one relaxed
/// load and a predictable branch.
extern int dm_sched_attached_count;

static inline int dm_sched_attached(void) {
    return __atomic_load_n(&dm_sched_attached_count, __ATOMIC_RELAXED);
}
static inline void dm_sched_attach_delta(int delta) {
    __atomic_add_fetch(&dm_sched_attached_count, delta, __ATOMIC_SEQ_CST);
}

/// The calling thread's execution controller (an opaque retained Swift object), or NULL.
void *dm_sched_current(void);
void dm_sched_set_current(void *controller);

#ifdef __cplusplus
}
#endif
#endif

#ifndef DM_PROBE_CONTEXT_H
#define DM_PROBE_CONTEXT_H
/// The object id of the device being probed on this thread (0 when none): read on every
/// devres registration to flag resources added to the wrong device (class P12 of Docs/bug-classes.md), so it must
/// cost a thread-local read, not a task-local lookup.
extern __thread uint64_t dm_probe_context_value;
static inline uint64_t dm_probe_context(void) { return dm_probe_context_value; }
static inline void dm_set_probe_context(uint64_t device) { dm_probe_context_value = device; }
#endif
