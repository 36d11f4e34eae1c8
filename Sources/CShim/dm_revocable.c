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

__thread struct dm_rev_reader *dm_rev_self = 0;
int dm_rev_fence_mode = 0;

static struct dm_rev_reader *registry_head = 0;   // atomic; pushed under registry_lock
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static int use_membarrier = 0;
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
        __atomic_store_n(&dm_rev_fence_mode, 0, __ATOMIC_RELAXED);
    } else {
        __atomic_store_n(&dm_rev_fence_mode, 1, __ATOMIC_RELAXED);
    }
    // Readers learn the mode through pthread_once's own synchronisation (they all pass here
    // before their first enter), so relaxed accesses to the flag suffice afterwards.
}

void dm_rev_init(void) { pthread_once(&init_once, init_process); }

int dm_rev_uses_membarrier(void) {
    dm_rev_init();
    return use_membarrier;
}

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

struct dm_rev_reader *dm_rev_register(void) {
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
    r->tid = dm_gettid();
    pthread_mutex_unlock(&registry_lock);
    dm_rev_self = r;
    pthread_setspecific(exit_key, r);
    return r;
}

static uintptr_t *deep_slot(struct dm_rev_reader *r, uint32_t index) {
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

dm_rev_ticket dm_rev_enter_deep(struct dm_rev_reader *r, uintptr_t key) {
    uintptr_t *slot = deep_slot(r, r->depth - DM_REV_INLINE_SLOTS);
    if (__atomic_load_n(&dm_rev_fence_mode, __ATOMIC_RELAXED)) {
        (void)__atomic_exchange_n(slot, key, __ATOMIC_SEQ_CST);
    } else {
        __atomic_store_n(slot, key, __ATOMIC_RELAXED);
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    }
    r->depth += 1;
    dm_rev_ticket t = { r, slot };
    return t;
}

static void reader_thread_exit(void *arg) {
    struct dm_rev_reader *r = arg;
    dm_rev_self = 0;
    if (r->depth != 0) {
        // A thread ended inside an access (pthread_exit, a foreign unwinder). Count it for
        // diagnosis, then clear its slots: it can never touch a resource again, and a slot left
        // naming an address would later match an unrelated revocable allocated there.
        __atomic_add_fetch(&abandoned_threads, 1, __ATOMIC_RELAXED);
        for (int i = 0; i < DM_REV_INLINE_SLOTS; i++) __atomic_store_n(&r->slot[i], 0, __ATOMIC_RELEASE);
        for (struct dm_rev_chunk *c = r->chunks; c != 0; c = c->next) {
            for (int i = 0; i < DM_REV_CHUNK_SLOTS; i++) __atomic_store_n(&c->slot[i], 0, __ATOMIC_RELEASE);
        }
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

static int load_order(void) {
    return __atomic_load_n(&dm_rev_fence_mode, __ATOMIC_RELAXED) ? __ATOMIC_SEQ_CST : __ATOMIC_ACQUIRE;
}

int dm_rev_self_reading(uintptr_t key) {
    struct dm_rev_reader *r = dm_rev_self;
    return r != 0 && reader_names(r, key, __ATOMIC_RELAXED);
}

int dm_rev_collect(uintptr_t key, struct dm_rev_reader **out, int cap) {
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
