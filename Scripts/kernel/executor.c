// Runs one scenario plan (emitted by `devmodel kernel plan`) inside a booted Linux kernel:
// the board is built through the kernel's own simulators (gpio-sim through configfs, softdog),
// every actor is a real thread and every step a real system call or sysfs write. Each step's
// outcome is written as one `devmodel/runs@1` JSON document, in the shape `devmodel run
// --format json` writes, so `devmodel kernel diff` can compare the two step by step.
//
// Build: gcc -O2 -static -pthread -o executor executor.c
// Usage: executor PLAN OUTPUT.json | executor --poweroff
//
// How the model's notions map onto Linux:
//  - blocked: the thread made a voluntary context switch during the call (RUSAGE_THREAD
//    ru_nvcsw grew), i.e. it slept, on a wait queue or on a lock.
//  - wait {actor, blocked_in}: the other actor is inside that step and its thread's state in
//    /proc/self/task/TID/stat is S or D (asleep in the kernel).
//  - revents: only the six bits the model names (POLLIN POLLPRI POLLOUT POLLERR POLLHUP
//    POLLNVAL); Linux's POLLRDNORM and friends are left out.
//  - a step Linux offers no user-space call for (in-kernel consumers, USB unplug) is not run:
//    its outcome has errno ENOSYS and a message starting "skipped:".
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <linux/i2c-dev.h>
#include <linux/watchdog.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_ACTORS 16
#define MAX_STEPS 64
#define MAX_ARGS 8
#define MAX_HANDLES 64
#define MAX_CHIPS 8
#define CONFIGFS "/sys/kernel/config/gpio-sim"

struct step {
    int actor, index;
    char label[64], after[64], handle[64], action[32];
    char args[MAX_ARGS][256];
    int nargs;
    // outcome
    char err[32];
    char message[256];
    char returns[1024];   // JSON text or empty
    char revents[128];    // JSON array text or empty
    int blocked, started, finished;
    uint64_t start_ns, end_ns;
};

struct actor {
    char name[64];
    struct step steps[MAX_STEPS];
    int nsteps;
    volatile int current;   // index of the step running now, -1 before the first
    volatile int in_call;
    volatile pid_t tid;
    pthread_t thread;
    volatile int done;
};

struct chip {
    char name[64];        // platform device, e.g. gpio-sim.0
    int num_lines;
    char names[256];      // comma separated, "-" for none
    char hogs[256];       // offset:name comma separated, "-" for none
    char node[64];        // gpiochipN, read back from configfs
};

static struct actor actors[MAX_ACTORS];
static int nactors;
static struct chip chips[MAX_CHIPS];
static int nchips;
// Board watchdogs: softdog stands in for them, and softdog has no device to bind or unbind
// (drivers/watchdog/softdog.c registers its watchdog_device from module init, no parent).
// It is a module here (Scripts/kernel/uml.config): loaded from DM_MODULES (the build folder,
// through hostfs) with the board's timeout and nowayout, and unloaded after the scenario.
static char watchdogs[4][64];
static int nwatchdogs;
static int watchdog_timeout = 30, watchdog_nowayout;
static char scenario[128];
static char setup_error[512];
static char setup_lines[16][256];
static int nsetup;
static uint64_t timeout_ns = 2000000000ull;
static uint64_t t0;

static struct { char name[64]; int fd; } handles[MAX_HANDLES];
static int nhandles;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *errno_name(int e) {
    switch (e) {
    case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EINTR: return "EINTR";
    case EIO: return "EIO"; case ENXIO: return "ENXIO"; case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN"; case ENOMEM: return "ENOMEM"; case EACCES: return "EACCES";
    case EFAULT: return "EFAULT"; case EBUSY: return "EBUSY"; case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV"; case EINVAL: return "EINVAL"; case ENOTTY: return "ENOTTY";
    case ENOSPC: return "ENOSPC"; case EPIPE: return "EPIPE"; case ENOSYS: return "ENOSYS";
    case ETIMEDOUT: return "ETIMEDOUT"; case EOPNOTSUPP: return "EOPNOTSUPP";
    case ESHUTDOWN: return "ESHUTDOWN";
    default: return "EUNKNOWN";
    }
}

// --- small helpers -------------------------------------------------------------------

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(f, "\\u%04x", *s);
        else fputc(*s, f);
    }
    fputc('"', f);
}

static void json_escape_into(char *out, size_t size, const char *s) {
    size_t n = 0;
    if (n < size - 1) out[n++] = '"';
    for (; *s && n < size - 3; s++) {
        if (*s == '"' || *s == '\\') { out[n++] = '\\'; out[n++] = *s; }
        else if ((unsigned char)*s >= 0x20) out[n++] = *s;
    }
    out[n++] = '"';
    out[n] = 0;
}

// Writes `text` to a sysfs/configfs file; returns 0 or an errno.
static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) return errno;
    ssize_t n = write(fd, text, strlen(text));
    int e = n < 0 ? errno : 0;
    close(fd);
    return e;
}

static int read_file(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return errno;
    ssize_t n = read(fd, buf, size - 1);
    int e = n < 0 ? errno : 0;
    close(fd);
    if (n < 0) n = 0;
    buf[n] = 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
    return e;
}

static int handle_fd(const char *name) {
    int fd = -1;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nhandles; i++) if (!strcmp(handles[i].name, name)) fd = handles[i].fd;
    pthread_mutex_unlock(&lock);
    return fd;
}

static void set_handle(const char *name, int fd) {
    pthread_mutex_lock(&lock);
    int i;
    for (i = 0; i < nhandles; i++) if (!strcmp(handles[i].name, name)) break;
    if (i == nhandles && nhandles < MAX_HANDLES) nhandles++;
    snprintf(handles[i].name, sizeof handles[i].name, "%s", name);
    handles[i].fd = fd;
    pthread_mutex_unlock(&lock);
}

static struct step *labelled(const char *label, int *actor_out) {
    for (int a = 0; a < nactors; a++)
        for (int s = 0; s < actors[a].nsteps; s++)
            if (!strcmp(actors[a].steps[s].label, label)) { if (actor_out) *actor_out = a; return &actors[a].steps[s]; }
    return NULL;
}

static struct chip *chip_named(const char *name) {
    for (int i = 0; i < nchips; i++) if (!strcmp(chips[i].name, name)) return &chips[i];
    return NULL;
}

static int parse_ints(const char *csv, int *out, int max) {
    int n = 0;
    const char *p = csv;
    while (*p && n < max) {
        out[n++] = (int)strtol(p, (char **)&p, 0);
        if (*p == ',') p++;
        else break;
    }
    return n;
}

// --- the board -----------------------------------------------------------------------

static int setup_chip(struct chip *c, int index) {
    char path[512], value[256];
    snprintf(path, sizeof path, CONFIGFS "/dm%d", index);
    if (mkdir(path, 0755) && errno != EEXIST) return errno;
    snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0", index);
    if (mkdir(path, 0755) && errno != EEXIST) return errno;
    snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/num_lines", index);
    snprintf(value, sizeof value, "%d", c->num_lines);
    int e = write_file(path, value);
    if (e) return e;
    // The model labels a chip with its platform device's name; gpio-sim's default label is
    // "<dev_name>:<swnode>" (drivers/gpio/gpio-sim.c, gpio_sim_add_bank), so set it.
    snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/label", index);
    if ((e = write_file(path, c->name))) return e;
    if (strcmp(c->names, "-")) {
        char copy[256];
        snprintf(copy, sizeof copy, "%s", c->names);
        int line = 0;
        for (char *save, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save), line++) {
            if (!*tok || !strcmp(tok, "_")) continue;
            snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/line%d", index, line);
            mkdir(path, 0755);
            snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/line%d/name", index, line);
            if ((e = write_file(path, tok))) return e;
        }
    }
    if (strcmp(c->hogs, "-")) {
        char copy[256];
        snprintf(copy, sizeof copy, "%s", c->hogs);
        for (char *save, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int offset = atoi(tok);
            char *name = strchr(tok, ':');
            snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/line%d", index, offset);
            mkdir(path, 0755);
            snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/line%d/hog", index, offset);
            mkdir(path, 0755);
            snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/line%d/hog/name", index, offset);
            if ((e = write_file(path, name ? name + 1 : "hog"))) return e;
            snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/line%d/hog/direction", index, offset);
            if ((e = write_file(path, "input"))) return e;
        }
    }
    snprintf(path, sizeof path, CONFIGFS "/dm%d/live", index);
    if ((e = write_file(path, "1"))) return e;
    snprintf(path, sizeof path, CONFIGFS "/dm%d/dev_name", index);
    read_file(path, value, sizeof value);
    if (strcmp(value, c->name)) {
        snprintf(setup_error, sizeof setup_error, "gpio-sim made %s, the scenario names %s", value, c->name);
        return EINVAL;
    }
    snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/chip_name", index);
    read_file(path, c->node, sizeof c->node);
    snprintf(setup_lines[nsetup++], sizeof setup_lines[0], "%s platform bound gpio-sim (%s)", c->name, c->node);
    return 0;
}

// Undoes setup_chip in the order configfs requires (live off, then children first).
static void teardown_chips(void) {
    char path[512];
    for (int i = 0; i < nchips; i++) {
        snprintf(path, sizeof path, CONFIGFS "/dm%d/live", i);
        write_file(path, "0");
        for (int line = 0; line < 64; line++) {
            snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/line%d/hog", i, line);
            rmdir(path);
            snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0/line%d", i, line);
            rmdir(path);
        }
        snprintf(path, sizeof path, CONFIGFS "/dm%d/bank0", i);
        rmdir(path);
        snprintf(path, sizeof path, CONFIGFS "/dm%d", i);
        rmdir(path);
    }
}

// --- steps ---------------------------------------------------------------------------

static void fail(struct step *s, int e, const char *fmt, ...) {
    snprintf(s->err, sizeof s->err, "%s", errno_name(e));
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->message, sizeof s->message, fmt, ap);
        va_end(ap);
    }
}

static void revents_json(short r, char *out, size_t size) {
    static const struct { short bit; const char *name; } bits[] = {
        {POLLIN, "POLLIN"}, {POLLPRI, "POLLPRI"}, {POLLOUT, "POLLOUT"},
        {POLLERR, "POLLERR"}, {POLLHUP, "POLLHUP"}, {POLLNVAL, "POLLNVAL"}};
    size_t n = (size_t)snprintf(out, size, "[");
    int first = 1;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (r & bits[i].bit) { n += (size_t)snprintf(out + n, size - n, "%s\"%s\"", first ? "" : ",", bits[i].name); first = 0; }
    snprintf(out + n, size - n, "]");
}

static int is_line_request(int fd) {
    char link[64], target[128];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = 0;
    return strstr(target, "anon_inode:gpio-line") != NULL;
}

static void do_ioctl(struct step *s, int fd) {
    const char *req = s->args[1];
    if (!strcmp(req, "chip_info")) {
        struct gpiochip_info info = {0};
        if (ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &info) < 0) return fail(s, errno, NULL);
        char name[80], label[80];
        json_escape_into(name, sizeof name, info.name);
        json_escape_into(label, sizeof label, info.label);
        snprintf(s->returns, sizeof s->returns, "{\"label\":%s,\"lines\":%u,\"name\":%s}", label, info.lines, name);
    } else if (!strcmp(req, "line_info")) {
        struct gpio_v2_line_info info = {0};
        info.offset = (unsigned)atoi(s->args[2]);
        if (ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, &info) < 0) return fail(s, errno, NULL);
        char name[80], consumer[80];
        json_escape_into(name, sizeof name, info.name);
        json_escape_into(consumer, sizeof consumer, info.consumer);
        snprintf(s->returns, sizeof s->returns, "{\"consumer\":%s,\"name\":%s,\"offset\":%u,\"used\":%s}", consumer, name,
                 info.offset, (info.flags & GPIO_V2_LINE_FLAG_USED) ? "true" : "false");
    } else if (!strcmp(req, "get_values") || !strcmp(req, "set_values")) {
        // The model's requests carry all their lines in order: line i is bit i of the mask.
        int values[64], n = 0;
        struct gpio_v2_line_values v = {0};
        if (!strcmp(req, "set_values")) {
            n = parse_ints(s->args[2], values, 64);
            for (int i = 0; i < n; i++) { v.mask |= 1ull << i; if (values[i]) v.bits |= 1ull << i; }
            if (ioctl(fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &v) < 0) return fail(s, errno, NULL);
            return;
        }
        n = atoi(s->args[2]);   // the number of lines the request holds
        v.mask = n >= 64 ? ~0ull : (1ull << n) - 1;
        if (ioctl(fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &v) < 0) return fail(s, errno, NULL);
        size_t len = (size_t)snprintf(s->returns, sizeof s->returns, "[");
        for (int i = 0; i < n; i++) len += (size_t)snprintf(s->returns + len, sizeof s->returns - len, "%s%d", i ? "," : "", (int)((v.bits >> i) & 1));
        snprintf(s->returns + len, sizeof s->returns - len, "]");
    } else if (!strcmp(req, "i2c_slave")) {
        if (ioctl(fd, I2C_SLAVE, (unsigned long)strtol(s->args[2], NULL, 0)) < 0) return fail(s, errno, NULL);
    } else if (!strcmp(req, "wdioc_getsupport")) {
        struct watchdog_info info = {0};
        if (ioctl(fd, WDIOC_GETSUPPORT, &info) < 0) return fail(s, errno, NULL);
        char identity[80];
        json_escape_into(identity, sizeof identity, (const char *)info.identity);
        snprintf(s->returns, sizeof s->returns, "{\"identity\":%s,\"options\":%u}", identity, info.options);
    } else if (!strcmp(req, "wdioc_getstatus")) {
        int status = 0;
        if (ioctl(fd, WDIOC_GETSTATUS, &status) < 0) return fail(s, errno, NULL);
        snprintf(s->returns, sizeof s->returns, "%d", status);
    } else if (!strcmp(req, "wdioc_keepalive")) {
        if (ioctl(fd, WDIOC_KEEPALIVE, 0) < 0) return fail(s, errno, NULL);
    } else if (!strcmp(req, "wdioc_settimeout")) {
        int t = atoi(s->args[2]);
        if (ioctl(fd, WDIOC_SETTIMEOUT, &t) < 0) return fail(s, errno, NULL);
        snprintf(s->returns, sizeof s->returns, "%d", t);
    } else if (!strcmp(req, "wdioc_gettimeout")) {
        int t = 0;
        if (ioctl(fd, WDIOC_GETTIMEOUT, &t) < 0) return fail(s, errno, NULL);
        snprintf(s->returns, sizeof s->returns, "%d", t);
    } else if (!strcmp(req, "fionread")) {
        int n = 0;
        if (ioctl(fd, FIONREAD, &n) < 0) return fail(s, errno, NULL);
        snprintf(s->returns, sizeof s->returns, "%d", n);
    } else {
        fail(s, ENOSYS, "skipped: ioctl %s has no Linux counterpart here", req);
    }
}

// The driver a platform device is bound to, or "" when unbound.
static void bound_driver(const char *device, char *out, size_t size) {
    char link[256], target[256];
    snprintf(link, sizeof link, "/sys/bus/platform/devices/%s/driver", device);
    ssize_t n = readlink(link, target, sizeof target - 1);
    out[0] = 0;
    if (n > 0) {
        target[n] = 0;
        const char *slash = strrchr(target, '/');
        snprintf(out, size, "%s", slash ? slash + 1 : target);
    }
}

// Is actor `a`'s thread asleep in the kernel right now?
static int thread_sleeping(struct actor *a) {
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)a->tid);
    if (read_file(path, buf, sizeof buf)) return 0;
    const char *paren = strrchr(buf, ')');
    return paren && (paren[2] == 'S' || paren[2] == 'D');
}

static int is_watchdog(const char *device) {
    for (int i = 0; i < nwatchdogs; i++) if (!strcmp(watchdogs[i], device)) return 1;
    return 0;
}

static void perform(struct actor *self, struct step *s) {
    const char *act = s->action;
    if ((!strcmp(act, "bind") || !strcmp(act, "unbind") || !strcmp(act, "driver_override")) && is_watchdog(s->args[0])) {
        fail(s, ENOSYS, "skipped: softdog is not bound to a device, %s has nothing to act on", act);
        return;
    }
    struct rusage before, after;
    int fd;
    getrusage(RUSAGE_THREAD, &before);
    self->in_call = 1;
    if (!strcmp(act, "delete_module")) {
        // rmmod's call: O_NONBLOCK, no O_TRUNC (EWOULDBLOCK while the module is in use).
        if (syscall(SYS_delete_module, s->args[0], O_NONBLOCK) < 0) fail(s, errno, NULL);
    } else if (!strcmp(act, "open")) {
        char path[128];
        snprintf(path, sizeof path, "%s%s", strncmp(s->args[0], "/dev/", 5) ? "/dev/" : "", s->args[0]);
        fd = open(path, O_RDWR | (atoi(s->args[1]) ? O_NONBLOCK : 0));
        if (fd < 0) fail(s, errno, NULL);
        else if (strcmp(s->handle, "-")) set_handle(s->handle, fd);
    } else if (!strcmp(act, "request_lines")) {
        if ((fd = handle_fd(s->args[0])) < 0) fail(s, EBADF, "no open file '%s'", s->args[0]);
        else {
            struct gpio_v2_line_request req = {0};
            int offsets[64];
            req.num_lines = (unsigned)parse_ints(s->args[1], offsets, 64);
            for (unsigned i = 0; i < req.num_lines; i++) req.offsets[i] = (unsigned)offsets[i];
            snprintf(req.consumer, sizeof req.consumer, "%s", s->args[2]);
            if (atoi(s->args[3])) req.config.flags = GPIO_V2_LINE_FLAG_OUTPUT;
            else if (atoi(s->args[4])) req.config.flags = GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING | GPIO_V2_LINE_FLAG_EDGE_FALLING;
            else req.config.flags = GPIO_V2_LINE_FLAG_INPUT;
            if (ioctl(fd, GPIO_V2_GET_LINE_IOCTL, &req) < 0) fail(s, errno, NULL);
            else set_handle(s->handle, req.fd);
        }
    } else if (!strcmp(act, "read")) {
        if ((fd = handle_fd(s->args[0])) < 0) fail(s, EBADF, "no open file '%s'", s->args[0]);
        else if (is_line_request(fd)) {
            struct gpio_v2_line_event events[16];
            ssize_t n = read(fd, events, sizeof events);
            if (n < 0) fail(s, errno, NULL);
            else snprintf(s->returns, sizeof s->returns, "%d", (int)(n / (ssize_t)sizeof events[0]));
        } else {
            unsigned char buf[16];
            ssize_t n = read(fd, buf, sizeof buf);
            if (n < 0) fail(s, errno, NULL);
            else {
                size_t len = (size_t)snprintf(s->returns, sizeof s->returns, "[");
                for (ssize_t i = 0; i < n; i++) len += (size_t)snprintf(s->returns + len, sizeof s->returns - len, "%s%u", i ? "," : "", buf[i]);
                snprintf(s->returns + len, sizeof s->returns - len, "]");
            }
        }
    } else if (!strcmp(act, "poll")) {
        if ((fd = handle_fd(s->args[0])) < 0) fail(s, EBADF, "no open file '%s'", s->args[0]);
        else {
            long long t = atoll(s->args[1]);
            struct pollfd p = {.fd = fd, .events = POLLIN};
            int n = poll(&p, 1, t < 0 ? -1 : (int)(t / 1000000));
            if (n < 0) fail(s, errno, NULL);
            else revents_json(p.revents, s->revents, sizeof s->revents);
        }
    } else if (!strcmp(act, "ioctl")) {
        if ((fd = handle_fd(s->args[0])) < 0) fail(s, EBADF, "no open file '%s'", s->args[0]);
        else do_ioctl(s, fd);
    } else if (!strcmp(act, "write")) {
        if ((fd = handle_fd(s->args[0])) < 0) fail(s, EBADF, "no open file '%s'", s->args[0]);
        else {
            unsigned char data[128];
            size_t n = 0;
            for (const char *h = s->args[1]; h[0] && h[1] && n < sizeof data; h += 2) {
                char pair[3] = {h[0], h[1], 0};
                data[n++] = (unsigned char)strtol(pair, NULL, 16);
            }
            ssize_t w = write(fd, data, n);
            if (w < 0) fail(s, errno, NULL);
            else snprintf(s->returns, sizeof s->returns, "%zd", w);
        }
    } else if (!strcmp(act, "close")) {
        if ((fd = handle_fd(s->args[0])) < 0) fail(s, EBADF, "no open file '%s'", s->args[0]);
        else if (close(fd) < 0) fail(s, errno, NULL);
    } else if (!strcmp(act, "sleep")) {
        uint64_t ns = strtoull(s->args[0], NULL, 10);
        struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
        nanosleep(&ts, NULL);
    } else if (!strcmp(act, "bind")) {
        char path[256];
        snprintf(path, sizeof path, "/sys/bus/platform/drivers/%s/bind", s->args[1]);
        int e = write_file(path, s->args[0]);
        if (e) fail(s, e, "%s", path);
    } else if (!strcmp(act, "unbind")) {
        char driver[128], path[256];
        bound_driver(s->args[0], driver, sizeof driver);
        if (!*driver) fail(s, ENODEV, "%s is not bound", s->args[0]);
        else {
            snprintf(path, sizeof path, "/sys/bus/platform/drivers/%s/unbind", driver);
            int e = write_file(path, s->args[0]);
            if (e) fail(s, e, "%s", path);
        }
    } else if (!strcmp(act, "driver_override")) {
        char path[256];
        snprintf(path, sizeof path, "/sys/bus/platform/devices/%s/driver_override", s->args[0]);
        int e = write_file(path, strcmp(s->args[1], "-") ? s->args[1] : "\n");
        if (e) fail(s, e, "%s", path);
    } else if (!strcmp(act, "edge")) {
        // gpio-sim raises an edge when a line's simulated pull changes (drivers/gpio/gpio-sim.c,
        // gpio_sim_apply_pull): pull-up is a rising edge, pull-down a falling one.
        struct chip *c = chip_named(s->args[0]);
        char path[256];
        snprintf(path, sizeof path, "/sys/devices/platform/%s/%s/sim_gpio%s/pull", s->args[0], c ? c->node : "?", s->args[1]);
        int e = write_file(path, strcmp(s->args[2], "rising") ? "pull-down" : "pull-up");
        // The model reports an edge on an unbound chip as ENODEV; in Linux its sysfs
        // attributes are gone (ENOENT on open).
        if (e == ENOENT) fail(s, ENODEV, "%s: gone (ENOENT)", path);
        else if (e) fail(s, e, "%s", path);
    } else if (!strcmp(act, "wait")) {
        int a = -1;
        struct step *target = labelled(s->args[1], &a);
        int ok = 0;
        uint64_t deadline = t0 + timeout_ns;
        while (target && now_ns() < deadline) {
            if (target->finished) break;
            if (actors[a].current == target->index && actors[a].in_call && thread_sleeping(&actors[a])) { ok = 1; break; }
            usleep(1000);
        }
        if (!ok) fail(s, ETIMEDOUT, "%s never blocked in '%s'", s->args[0], s->args[1]);
    } else {
        fail(s, ENOSYS, "skipped: %s has no user-space counterpart on Linux", act);
    }
    self->in_call = 0;
    getrusage(RUSAGE_THREAD, &after);
    s->blocked = after.ru_nvcsw > before.ru_nvcsw;
    if (!strcmp(act, "wait") || !strcmp(act, "sleep")) s->blocked = 0;   // the harness's own sleeping
}

static void *actor_main(void *arg) {
    struct actor *a = arg;
    a->tid = (pid_t)syscall(SYS_gettid);
    for (int i = 0; i < a->nsteps; i++) {
        struct step *s = &a->steps[i];
        if (strcmp(s->after, "-")) {
            struct step *before = labelled(s->after, NULL);
            pthread_mutex_lock(&lock);
            while (before && !before->finished) pthread_cond_wait(&changed, &lock);
            pthread_mutex_unlock(&lock);
        }
        a->current = i;
        s->start_ns = now_ns() - t0;
        s->started = 1;
        perform(a, s);
        s->end_ns = now_ns() - t0;
        pthread_mutex_lock(&lock);
        s->finished = 1;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
    a->done = 1;
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void on_interrupt(int sig) { (void)sig; }

// After the deadline: a signal (no SA_RESTART) ends every interruptible sleep of the actors
// still running, so that a sysfs write they hold up (an unbind waiting for them) can finish
// and the board can be torn down for the next scenario of the same boot. The report is
// written before this: those steps stay "unfinished".
static void interrupt_stuck(void) {
    struct sigaction sa = {.sa_handler = on_interrupt};
    sigaction(SIGUSR1, &sa, NULL);
    for (int round = 0; round < 100; round++) {
        int all = 1;
        for (int a = 0; a < nactors; a++) {
            if (actors[a].done) continue;
            all = 0;
            if (actors[a].tid) syscall(SYS_tgkill, getpid(), actors[a].tid, SIGUSR1);
        }
        if (all) return;
        usleep(10000);
    }
}

// --- plan and report -----------------------------------------------------------------

// Plan lines are tab separated: `scenario NAME`, `timeout NS`, `gpio_chip NAME LINES NAMES
// HOGS`, `watchdog NAME TIMEOUT`, `step ACTOR INDEX LABEL AFTER HANDLE ACTION ARGS…`.
static int load_plan(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return errno;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *fields[16];
        int n = 0;
        for (char *save, *tok = strtok_r(line, "\t", &save); tok && n < 16; tok = strtok_r(NULL, "\t", &save)) fields[n++] = tok;
        if (n == 0) continue;
        if (!strcmp(fields[0], "scenario") && n > 1) snprintf(scenario, sizeof scenario, "%s", fields[1]);
        else if (!strcmp(fields[0], "timeout") && n > 1) timeout_ns = strtoull(fields[1], NULL, 10);
        else if (!strcmp(fields[0], "gpio_chip") && n > 4 && nchips < MAX_CHIPS) {
            struct chip *c = &chips[nchips++];
            snprintf(c->name, sizeof c->name, "%s", fields[1]);
            c->num_lines = atoi(fields[2]);
            snprintf(c->names, sizeof c->names, "%s", fields[3]);
            snprintf(c->hogs, sizeof c->hogs, "%s", fields[4]);
        } else if (!strcmp(fields[0], "watchdog") && n > 3) {
            snprintf(setup_lines[nsetup++], sizeof setup_lines[0], "%s: softdog.ko, soft_margin=%s nowayout=%s", fields[1], fields[2], fields[3]);
            if (nwatchdogs < 4) snprintf(watchdogs[nwatchdogs++], sizeof watchdogs[0], "%s", fields[1]);
            watchdog_timeout = atoi(fields[2]);
            watchdog_nowayout = atoi(fields[3]);
        } else if (!strcmp(fields[0], "unsupported") && n > 1) {
            snprintf(setup_error, sizeof setup_error, "board part not available on Linux here: %s", fields[1]);
        } else if (!strcmp(fields[0], "step") && n > 6) {
            int a;
            for (a = 0; a < nactors; a++) if (!strcmp(actors[a].name, fields[1])) break;
            if (a == nactors) { if (nactors == MAX_ACTORS) continue; snprintf(actors[nactors++].name, 64, "%s", fields[1]); actors[a].current = -1; }
            struct actor *ac = &actors[a];
            if (ac->nsteps == MAX_STEPS) continue;
            struct step *s = &ac->steps[ac->nsteps++];
            s->actor = a;
            s->index = atoi(fields[2]);
            snprintf(s->label, sizeof s->label, "%s", strcmp(fields[3], "-") ? fields[3] : "");
            snprintf(s->after, sizeof s->after, "%s", fields[4]);
            snprintf(s->handle, sizeof s->handle, "%s", fields[5]);
            snprintf(s->action, sizeof s->action, "%s", fields[6]);
            for (int i = 7; i < n && s->nargs < MAX_ARGS; i++) snprintf(s->args[s->nargs++], sizeof s->args[0], "%s", fields[i]);
        }
    }
    fclose(f);
    return 0;
}

// Steps are reported as they stood at `cutoff` (ns since the start): one that started later
// is left out, one still running then is unfinished. A step that only ended after the
// actors were interrupted carries how it ended as "late" {errno, endNanoseconds}, which
// shows what had held it (a read ending EINTR, then the unbind it held up returning).
static void write_report(const char *path, uint64_t duration, uint64_t cutoff) {
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); return; }
    fprintf(f, "{\"schema\":\"devmodel/runs@1\",\"passed\":0,\"failed\":0,\"runs\":[{\"schema\":\"devmodel/run@1\",\"scenario\":");
    json_string(f, scenario);
    fprintf(f, ",\"kernel\":true,\"setup\":[");
    for (int i = 0; i < nsetup; i++) { if (i) fputc(',', f); json_string(f, setup_lines[i]); }
    fprintf(f, "]");
    if (*setup_error) { fprintf(f, ",\"setupError\":"); json_string(f, setup_error); }
    fprintf(f, ",\"steps\":[");
    int first = 1;
    for (int a = 0; a < nactors; a++) {
        for (int i = 0; i < actors[a].nsteps; i++) {
            struct step *s = &actors[a].steps[i];
            if (!s->started || s->start_ns > cutoff) continue;
            int on_time = s->finished && s->end_ns <= cutoff;
            fprintf(f, "%s{\"actor\":", first ? "" : ",");
            first = 0;
            json_string(f, actors[a].name);
            fprintf(f, ",\"index\":%d", s->index);
            if (*s->label) { fprintf(f, ",\"label\":"); json_string(f, s->label); }
            fprintf(f, ",\"action\":");
            json_string(f, s->action);
            if (on_time) {
                if (*s->err) { fprintf(f, ",\"errno\":"); json_string(f, s->err); }
                if (*s->message) { fprintf(f, ",\"message\":"); json_string(f, s->message); }
                if (*s->returns) fprintf(f, ",\"returns\":%s", s->returns);
                if (*s->revents) fprintf(f, ",\"revents\":%s", s->revents);
            } else if (s->finished) {
                fprintf(f, ",\"late\":{\"errno\":");
                json_string(f, *s->err ? s->err : "OK");
                fprintf(f, ",\"endNanoseconds\":%llu}", (unsigned long long)s->end_ns);
            }
            fprintf(f, ",\"blocked\":%s,\"finished\":%s,\"startNanoseconds\":%llu", on_time && s->blocked ? "true" : "false",
                    on_time ? "true" : "false", (unsigned long long)s->start_ns);
            if (on_time) fprintf(f, ",\"endNanoseconds\":%llu", (unsigned long long)s->end_ns);
            fprintf(f, "}");
        }
    }
    fprintf(f, "],\"expectations\":[],\"findings\":[],\"events\":[],\"durationNanoseconds\":%llu}]}\n",
            (unsigned long long)duration);
    fclose(f);
}

// finit_module of softdog.ko with the board's parameters; soft_noboot=1 so an expired timer
// only logs (and drops the module reference its timer held) instead of rebooting the run.
static int load_softdog(void) {
    const char *dir = getenv("DM_MODULES");
    if (!dir) return ENOENT;
    char path[512], params[128];
    snprintf(path, sizeof path, "%s/drivers/watchdog/softdog.ko", dir);
    snprintf(params, sizeof params, "soft_margin=%d nowayout=%d soft_noboot=1", watchdog_timeout, watchdog_nowayout);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int r = (int)syscall(SYS_finit_module, fd, params, 0);
    int e = r < 0 ? errno : 0;
    close(fd);
    return e == EEXIST ? 0 : e;   // still loaded: a timer left running by the last scenario pins it
}

int main(int argc, char **argv) {
    // The init script ends the UML boot through us: PID 1 exiting would be a panic.
    if (argc == 2 && !strcmp(argv[1], "--poweroff")) { sync(); reboot(RB_POWER_OFF); return 1; }
    if (argc != 3) { fprintf(stderr, "usage: %s PLAN OUTPUT.json\n", argv[0]); return 2; }
    int e = load_plan(argv[1]);
    if (e) { fprintf(stderr, "%s: %s\n", argv[1], strerror(e)); return 2; }
    for (int i = 0; i < nchips && !*setup_error; i++) {
        if ((e = setup_chip(&chips[i], i)) && !*setup_error)
            snprintf(setup_error, sizeof setup_error, "gpio-sim %s: %s", chips[i].name, strerror(e));
    }
    if (nwatchdogs && !*setup_error && (e = load_softdog()))
        snprintf(setup_error, sizeof setup_error, "insmod softdog.ko: %s", strerror(e));
    t0 = now_ns();
    if (!*setup_error) {
        for (int a = 0; a < nactors; a++) pthread_create(&actors[a].thread, NULL, actor_main, &actors[a]);
        // The scenario's watchdog: actors still running at the deadline are reported as
        // unfinished and abandoned (the process exits under them).
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += (time_t)(timeout_ns / 1000000000ull);
        deadline.tv_nsec += (long)(timeout_ns % 1000000000ull);
        if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }
        pthread_mutex_lock(&lock);
        for (;;) {
            int all = 1;
            for (int a = 0; a < nactors; a++) all &= actors[a].done;
            if (all || pthread_cond_timedwait(&changed, &lock, &deadline) == ETIMEDOUT) break;
        }
        pthread_mutex_unlock(&lock);
    }
    uint64_t duration = now_ns() - t0;
    int all = 1;
    for (int a = 0; a < nactors; a++) all &= actors[a].done;
    if (!all) interrupt_stuck();
    pthread_mutex_lock(&lock);
    write_report(argv[2], duration, duration);
    pthread_mutex_unlock(&lock);
    // Even under abandoned threads: the next scenario of the same boot needs gpio-sim.0 again,
    // and removing the device wakes whoever sleeps on it.
    teardown_chips();
    if (nwatchdogs) syscall(SYS_delete_module, "softdog", O_NONBLOCK);   // refused if still in use
    fflush(NULL);
    _exit(all ? 0 : 3);
}
