#define _GNU_SOURCE
#include "dm_baton.h"
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// Baton states: EMPTY, POSTED, and SLEEPING (the owner is, or is about to be, in futex_wait),
// so a post pays the wake-up system call only when someone sleeps.
enum { EMPTY = 0, POSTED = 1, SLEEPING = 2 };

void dm_baton_post(uint32_t *baton) {
    if (__atomic_exchange_n(baton, POSTED, __ATOMIC_RELEASE) == SLEEPING)
        syscall(SYS_futex, baton, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

int64_t dm_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

int dm_baton_wait(uint32_t *baton, int64_t deadline_ns) {
    for (;;) {
        uint32_t seen = __atomic_load_n(baton, __ATOMIC_ACQUIRE);
        if (seen == POSTED) {
            if (__atomic_compare_exchange_n(baton, &seen, EMPTY, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) return 1;
            continue;
        }
        if (seen == EMPTY &&
            !__atomic_compare_exchange_n(baton, &seen, SLEEPING, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
            continue;
        struct timespec relative, *timeout = 0;
        if (deadline_ns >= 0) {
            int64_t left = deadline_ns - dm_monotonic_ns();
            if (left <= 0) {
                // Give up only if nobody posted meanwhile (SLEEPING -> EMPTY).
                uint32_t sleeping = SLEEPING;
                if (__atomic_compare_exchange_n(baton, &sleeping, EMPTY, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
                    return 0;
                continue;
            }
            relative.tv_sec = (time_t)(left / 1000000000);
            relative.tv_nsec = (long)(left % 1000000000);
            timeout = &relative;
        }
        syscall(SYS_futex, baton, FUTEX_WAIT_PRIVATE, SLEEPING, timeout, 0, 0);
    }
}
