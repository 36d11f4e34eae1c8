#define _GNU_SOURCE
#include "dm_revocable.h"
#include "dm_thread.h"
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static struct dm_rev_reader unregistered = { .limit = 0 };   // shared, never written
__thread struct dm_rev_reader *dm_rev_self = &unregistered;

static struct dm_rev_reader *registry_head = 0;   // atomic; pushed under registry_lock
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static int use_membarrier = 0;
static int fence_mode = 0;
static uint32_t wake_generation = 0;             // futex word
static uint64_t abandoned_threads = 0;
static int registry_size = 0;

static long sys_membarrier(int cmd) { return syscall(SYS_membarrier, cmd, 0, 0); }

static void reader_thread_exit(void *arg);

static void init_process(void) {
    pthread_key_create(&exit_key, reader_thread_exit);
    const char *force = getenv("DM_REVOCABLE_FENCE_MODE");
    int forced = force != 0 && force[0] == '1';
    long supported = sys_membarrier(MEMBARRIER_CMD_QUERY);
    if (!forced && supported > 0 && (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED)
        && sys_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0) {
        use_membarrier = 1;
    } else {
        fence_mode = 1;
    }
    // Readers learn the mode through pthread_once's own synchronisation (every thread passes
    // here before its first enter) and keep it in their record (limit, DM_REV_FENCE_BIT).
}

void dm_rev_init(void) { pthread_once(&init_once, init_process); }

int dm_rev_uses_membarrier(void) {
    dm_rev_init();
    return use_membarrier;
}

void dm_rev_local_barrier(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

int dm_rev_barrier(void) {
    dm_rev_init();
    if (use_membarrier) {
        if (sys_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) return 0;
        int err = errno;
        // Registered at start-up, so this should not happen; the slow global command is still
        // a correct barrier for readers that rely on membarrier.
        if (sys_membarrier(MEMBARRIER_CMD_GLOBAL) == 0) return 0;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        return err;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return 0;
}

static struct dm_rev_reader *dm_rev_register(void) {
    dm_rev_init();
    pthread_mutex_lock(&registry_lock);
    struct dm_rev_reader *r = __atomic_load_n(&registry_head, __ATOMIC_ACQUIRE);
    for (; r != 0; r = r->next) {
        if (__atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == 0) break;   // free for reuse
    }
    if (r == 0) {
        r = aligned_alloc(_Alignof(struct dm_rev_reader), sizeof *r);
        if (r == 0) abort();   // out of memory while registering a thread: nothing sane to do
        memset(r, 0, sizeof *r);
        r->next = registry_head;
        __atomic_store_n(&registry_head, r, __ATOMIC_RELEASE);
        registry_size += 1;
    }
    __atomic_store_n(&r->state, 1, __ATOMIC_RELAXED);
    r->depth = 0;
    r->limit = fence_mode ? 0 : DM_REV_INLINE_SLOTS;
    __atomic_store_n(&r->waiters, fence_mode ? DM_REV_FENCE_BIT : 0, __ATOMIC_RELAXED);
    r->tid = dm_gettid();
    pthread_mutex_unlock(&registry_lock);
    dm_rev_self = r;
    pthread_setspecific(exit_key, r);
    return r;
}

static uintptr_t *slot_at(struct dm_rev_reader *r, uint32_t depth) {
    if (depth < DM_REV_INLINE_SLOTS) return &r->slot[depth];
    uint32_t index = depth - DM_REV_INLINE_SLOTS;
    struct dm_rev_chunk **link = &r->chunks;
    for (;;) {
        struct dm_rev_chunk *c = __atomic_load_n(link, __ATOMIC_ACQUIRE);
        if (c == 0) {
            c = calloc(1, sizeof *c);
            if (c == 0) abort();
            __atomic_store_n(link, c, __ATOMIC_RELEASE);
        }
        if (index < DM_REV_CHUNK_SLOTS) return &c->slot[index];
        index -= DM_REV_CHUNK_SLOTS;
        link = &c->next;
    }
}

dm_rev_ticket dm_rev_enter_slow(struct dm_rev_reader *r, uintptr_t key) {
    if (r == &unregistered) r = dm_rev_register();
    uint32_t d = r->depth;
    uintptr_t *slot = slot_at(r, d);
    __atomic_store_n(slot, key, __ATOMIC_RELAXED);
    if (fence_mode) {
        // Store; full fence; (caller's) load: the reader's half of the store-buffering pairing.
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } else {
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    }
    r->depth = d + 1;
    dm_rev_ticket t = { r, slot, d };
    return t;
}

void dm_rev_exit_slow(struct dm_rev_reader *r, uint32_t waiters) {
    if (waiters & DM_REV_FENCE_BIT) {
        // Fence mode: the reader pays the full barrier between clearing its slot and looking
        // for sleeping revokers (no membarrier does it for us).
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        waiters = __atomic_load_n(&r->waiters, __ATOMIC_SEQ_CST) & ~DM_REV_FENCE_BIT;
    }
    if (waiters != 0) dm_rev_wake_all();
}

static void reader_thread_exit(void *arg) {
    struct dm_rev_reader *r = arg;
    dm_rev_self = &unregistered;
    if (r->depth != 0) {
        // A thread ended inside an access (pthread_exit, a foreign unwinder). Count it for
        // diagnosis, then clear its slots: it can never touch a resource again, and a slot left
        // naming an address would later match an unrelated revocable allocated there.
        __atomic_add_fetch(&abandoned_threads, 1, __ATOMIC_RELAXED);
        for (uint32_t d = 0; d < r->depth; d++) __atomic_store_n(slot_at(r, d), 0, __ATOMIC_RELEASE);
        r->depth = 0;
        __atomic_store_n(&r->state, 0, __ATOMIC_RELEASE);
        dm_rev_wake_all();
        return;
    }
    __atomic_store_n(&r->state, 0, __ATOMIC_RELEASE);
}

static int reader_names(struct dm_rev_reader *r, uintptr_t key, int order) {
    for (int i = 0; i < DM_REV_INLINE_SLOTS; i++) {
        if (__atomic_load_n(&r->slot[i], order) == key) return 1;
    }
    for (struct dm_rev_chunk *c = __atomic_load_n(&r->chunks, __ATOMIC_ACQUIRE); c != 0;
         c = __atomic_load_n(&c->next, __ATOMIC_ACQUIRE)) {
        for (int i = 0; i < DM_REV_CHUNK_SLOTS; i++) {
            if (__atomic_load_n(&c->slot[i], order) == key) return 1;
        }
    }
    return 0;
}

static int load_order(void) { return fence_mode ? __ATOMIC_SEQ_CST : __ATOMIC_ACQUIRE; }

int dm_rev_self_reading(uintptr_t key) {
    struct dm_rev_reader *r = dm_rev_self;
    return r != &unregistered && reader_names(r, key, __ATOMIC_RELAXED);
}

int dm_rev_collect(uintptr_t key, struct dm_rev_reader **out, int cap) {
    dm_rev_init();
    int order = load_order();
    int found = 0;
    for (struct dm_rev_reader *r = __atomic_load_n(&registry_head, __ATOMIC_ACQUIRE); r != 0; r = r->next) {
        if (!reader_names(r, key, order)) continue;
        if (found < cap) out[found] = r;
        found += 1;
    }
    return found;
}

int dm_rev_names(struct dm_rev_reader *r, uintptr_t key) { return reader_names(r, key, load_order()); }

uint32_t dm_rev_wait_begin(struct dm_rev_reader *const *recs, int n) {
    for (int i = 0; i < n; i++) __atomic_add_fetch(&recs[i]->waiters, 1, __ATOMIC_SEQ_CST);
    return __atomic_load_n(&wake_generation, __ATOMIC_SEQ_CST);
}

void dm_rev_wait_end(struct dm_rev_reader *const *recs, int n) {
    for (int i = 0; i < n; i++) __atomic_sub_fetch(&recs[i]->waiters, 1, __ATOMIC_SEQ_CST);
}

uint32_t dm_rev_generation(void) { return __atomic_load_n(&wake_generation, __ATOMIC_SEQ_CST); }

void dm_rev_wait(uint32_t generation, int64_t timeout_ns) {
    struct timespec ts = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };
    syscall(SYS_futex, &wake_generation, FUTEX_WAIT_PRIVATE, generation, &ts, 0, 0);
}

void dm_rev_wake_all(void) {
    __atomic_add_fetch(&wake_generation, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, &wake_generation, FUTEX_WAKE_PRIVATE, INT_MAX, 0, 0, 0);
}

uint64_t dm_rev_abandoned_threads(void) { return __atomic_load_n(&abandoned_threads, __ATOMIC_RELAXED); }

int dm_rev_registry_size(void) {
    pthread_mutex_lock(&registry_lock);
    int n = registry_size;
    pthread_mutex_unlock(&registry_lock);
    return n;
}

void dm_rev_test_leak_section(uintptr_t key) { (void)dm_rev_enter(key); }
