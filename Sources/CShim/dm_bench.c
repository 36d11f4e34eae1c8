#define _GNU_SOURCE
#include "dm_bench.h"
#include <pthread.h>
#include <malloc.h>
#include <sched.h>

int dm_pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

int dm_online_cpus(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return CPU_COUNT(&set);
}

int dm_current_cpu(void) {
    int cpu = sched_getcpu();
    return cpu < 0 ? 0 : cpu;
}

size_t dm_malloc_in_use(void) { return mallinfo2().uordblks; }

size_t dm_malloc_usable_size(const void *block) { return malloc_usable_size((void *)block); }

void dm_malloc_retain_heap(size_t trim, size_t pad) {
    mallopt(M_TRIM_THRESHOLD, (int)trim);
    mallopt(M_TOP_PAD, (int)pad);
    /* Setting the trim threshold freezes glibc's mmap threshold at 128 KiB: every larger block
       would be mmapped and unmapped again, a page fault per use and, with several threads,
       a TLB shootdown on every CPU running one. */
    mallopt(M_MMAP_THRESHOLD, (int)pad);
}
