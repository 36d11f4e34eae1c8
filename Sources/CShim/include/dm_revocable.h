// Per-thread reader records for the Revocable module (the liburcu-memb algorithm, with one
// twist: a reader's slot names WHICH revocable it is reading, so a revoke waits only for the
// readers of its own revocable).
//
// Every thread that ever enters an access owns one heap record, linked into a process-wide
// registry that revokers scan. Records are never freed, only reused after their thread exits,
// so a revoker may walk the registry without a lock.
//
// Memory ordering (the argument is repeated next to the Swift fast path):
//  * membarrier mode (default when MEMBARRIER_CMD_PRIVATE_EXPEDITED registers): a reader stores
//    its slot with a relaxed store, then a compiler barrier, then loads the revocable's state.
//    The revoker sets the revoked bit, then calls membarrier(), which executes a full barrier on
//    every CPU running a thread of this process, then loads the slots. That is the
//    store-buffering pattern with a full barrier on both sides: either the reader sees "revoked"
//    or the revoker sees the slot.
//  * fence mode (fallback, or DM_REVOCABLE_FENCE_MODE=1): the reader issues a seq_cst fence
//    between its slot store and its state load (and between clearing the slot and reading
//    `waiters`); the revoker's state update is a seq_cst read-modify-write followed by a
//    seq_cst fence. The same pattern, with the barrier paid by the reader (~2–3 ns).
//  * leaving: the slot is cleared with a release store; the revoker loads it with acquire
//    (seq_cst in fence mode), so everything the reader did with the resource happens before the
//    revoker's teardown.
#ifndef DM_REVOCABLE_H
#define DM_REVOCABLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Nesting depth held inline in the record; deeper nesting uses chunks (slow path).
#define DM_REV_INLINE_SLOTS 8
#define DM_REV_CHUNK_SLOTS 16

struct dm_rev_chunk {
    uintptr_t slot[DM_REV_CHUNK_SLOTS];
    struct dm_rev_chunk *next;
};

struct dm_rev_reader {
    /// 0, or the identity of the revocable read at that nesting depth (atomic).
    uintptr_t slot[DM_REV_INLINE_SLOTS];
    /// Current nesting depth; written and read by the owning thread only.
    uint32_t depth;
    /// Depths below this take the inline fast path: DM_REV_INLINE_SLOTS in membarrier mode, 0 in
    /// fence mode and in the shared "unregistered" record, so one compare sends deep nesting,
    /// fence mode and first use to the slow path.
    uint32_t limit;
    /// Revokers asleep waiting for this thread to leave (atomic), plus DM_REV_FENCE_BIT in fence
    /// mode: a leaving thread reads it from a cache line it owns and takes the slow path if
    /// non-zero.
    uint32_t waiters;
    /// 1 while a live thread owns the record, 0 when free for reuse (atomic).
    uint32_t state;
    uint64_t tid;
    /// Slots beyond DM_REV_INLINE_SLOTS (atomic pointer, published with release).
    struct dm_rev_chunk *chunks;
    /// Next record in the registry (written once, before publication).
    struct dm_rev_reader *next;
} __attribute__((aligned(128)));   // records of different threads never share a cache line

#define DM_REV_FENCE_BIT 0x80000000u

/// What one enter hands to the matching exit.
typedef struct dm_rev_ticket {
    struct dm_rev_reader *reader;
    uintptr_t *slot;
    uint32_t depth;
} dm_rev_ticket;

/// The calling thread's record; a shared read-only record with limit 0 until it registers.
extern __thread struct dm_rev_reader *dm_rev_self;

dm_rev_ticket dm_rev_enter_slow(struct dm_rev_reader *r, uintptr_t key);
void dm_rev_exit_slow(struct dm_rev_reader *r, uint32_t waiters);
void dm_rev_wake_all(void);

/// Enters a read section of the revocable identified by `key` (non-zero). The caller then
/// loads the revocable's state with acquire ordering.
static inline dm_rev_ticket dm_rev_enter(uintptr_t key) {
    struct dm_rev_reader *r = dm_rev_self;
    uint32_t d = r->depth;
    if (__builtin_expect(d >= r->limit, 0)) return dm_rev_enter_slow(r, key);
    // The outermost access stores constants (slot 0, depth 1, ticket depth 0) rather than values
    // computed from the depth it just loaded: that keeps the store-to-load forwarding of
    // `depth` off the dependency chain from one access to the next; only a predicted branch
    // depends on it. (Written as two returns: a select would be folded back into `d`.)
    if (__builtin_expect(d == 0, 1)) {
        __atomic_store_n(&r->slot[0], key, __ATOMIC_RELAXED);
        // Promoted to a full barrier by the revoker's membarrier(): the slot store is ordered
        // before the caller's load of the revocable's state.
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        r->depth = 1;
        dm_rev_ticket top = { r, &r->slot[0], 0 };
        return top;
    }
    __atomic_store_n(&r->slot[d], key, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    r->depth = d + 1;
    dm_rev_ticket nested = { r, &r->slot[d], d };
    return nested;
}

/// Leaves the read section `t` was returned for (strictly LIFO per thread).
static inline void dm_rev_exit(dm_rev_ticket t) {
    // Release: everything done with the resource happens before a revoker that reads 0 here.
    __atomic_store_n(t.slot, 0, __ATOMIC_RELEASE);
    // Pairs with the barrier a sleeping revoker issues after raising our `waiters`: either we
    // see the waiter, or it sees our cleared slot on its re-check. (In fence mode the slow
    // path adds the full fence this needs.)
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t.reader->depth = t.depth;
    uint32_t w = __atomic_load_n(&t.reader->waiters, __ATOMIC_RELAXED);
    if (__builtin_expect(w != 0, 0)) dm_rev_exit_slow(t.reader, w);
}

/// Process-wide setup (membarrier registration or fence mode); idempotent, thread-safe.
void dm_rev_init(void);
/// 1 when running in membarrier mode.
int dm_rev_uses_membarrier(void);
/// The revoker's side of the store-buffering pairing: membarrier(), or a seq_cst fence.
/// Returns 0, or the errno of a failed membarrier (then a fence was issued and the process
/// cannot be correct in membarrier mode: callers treat this as fatal to the guarantee).
int dm_rev_barrier(void);
/// A full fence on the calling CPU only (for a revoker whose readers are known to have passed
/// a full barrier since their slot stores, such as actors parked by an explorer).
void dm_rev_local_barrier(void);

/// 1 when the calling thread is inside an access to `key` (revoke-inside-access check).
int dm_rev_self_reading(uintptr_t key);

/// Collects up to `cap` records with a slot naming `key` into `out`; returns how many were
/// found in total (may exceed cap).
int dm_rev_collect(uintptr_t key, struct dm_rev_reader **out, int cap);
/// 1 while record `r` still has a slot naming `key`.
int dm_rev_names(struct dm_rev_reader *r, uintptr_t key);

/// Sleeping for readers: raise the waiter count of each record in `recs`, snapshot the wake
/// generation, then (caller) issue dm_rev_barrier() and re-check; sleep only if still needed.
uint32_t dm_rev_wait_begin(struct dm_rev_reader *const *recs, int n);
void dm_rev_wait_end(struct dm_rev_reader *const *recs, int n);
/// The current wake generation (bumped by dm_rev_wake_all).
uint32_t dm_rev_generation(void);
/// Sleeps until the generation moves past `generation` or `timeout_ns` passes.
void dm_rev_wait(uint32_t generation, int64_t timeout_ns);

/// A spin-wait hint (x86 `pause`).
static inline void dm_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

/// Number of threads that exited while inside an access (detected at thread exit, when their
/// slots are cleared: a dead thread cannot touch a resource).
uint64_t dm_rev_abandoned_threads(void);
/// Number of reader records in the registry (live + reusable + abandoned).
int dm_rev_registry_size(void);

/// Test hook: opens a read section that is never closed (simulates a thread dying inside an
/// access, which the closure-scoped Swift API cannot express).
void dm_rev_test_leak_section(uintptr_t key);

#ifdef __cplusplus
}
#endif
#endif
