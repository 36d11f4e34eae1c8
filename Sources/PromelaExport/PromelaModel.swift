/// The abstract semantics every exported scenario shares: the character-device lifetime
/// protocol of `CharDev` (and `Revocable` under it) written a second time, independently,
/// in Promela, so SPIN can check it against the explorer.
///
/// What is kept is only what decides a step's errno, a hang or a finding:
/// - a device's *instance* is one registration (probe → unbind); a rebind makes a new one
///   (class P11 of Docs/bug-classes.md: old files stay dead);
/// - `gone` (unregistration began: no new references), the node table (no new opens),
///   `revoked` and `inflight` (the fence: a call enters unless revoked; revoke waits until no
///   call is in flight, never for open files), `refs` (registration + one per open file;
///   the object is released at zero) and `datafreed` (the driver's devres memory, freed after
///   unregister returns — LIFO, as drivers/base/devres.c releases);
/// - a blocking read sleeps until the instance is gone or a writer bumps its generation
///   (the wait queue's condition, re-checked under the lock as `CharDevice.sleep` does).
///
/// Atomic blocks are the explorer's scheduling points: each fence enter, each call body,
/// each fence exit, each reference put and each step of unregister is one transition.
enum PromelaModel {
    static let errnoCodes: [(name: String, code: Int)] = [
        ("OK", 0), ("ENODEV", 1), ("ENOENT", 2), ("EINVAL", 3), ("EBADF", 4), ("EAGAIN", 5),
    ]

    static func code(_ errno: String) -> Int? { errnoCodes.first { $0.name == errno }?.code }

    /// Result codes that are not errnos: a step not reached yet, a step reached and not
    /// finished (what the explorer prints as `unfinished`).
    static let notStarted = 255
    static let started = 254

    static func prelude(instances: Int, files: Int, steps: Int, devices: Int) -> String {
        """
        /* Instances 1...\(instances) (0 = none), files 1...\(files) (0 = not opened). */
        #define NI \(instances + 1)
        #define NF \(files + 1)
        #define NS \(steps)
        #define ND \(devices)

        byte node[ND];          /* published instance per device node, 0: no node */
        bool gone[NI];          /* unregistration began: no new references */
        bool revoked[NI];       /* the fence: no new calls */
        byte inflight[NI];      /* calls inside the fence */
        byte refs[NI];          /* registration + open files */
        bool released[NI];      /* the object's release ran */
        bool datafreed[NI];     /* the driver's devres memory was freed */
        byte pipebytes[NI];          /* misc pipe: bytes queued (driver memory) */
        byte gen[NI];           /* wait-queue generation, bumped by notify */
        byte finst[NF];         /* the instance a file refers to */
        bool fclosed[NF];
        byte res[NS] = \(notStarted);  /* per step: errno code, \(started) started, \(notStarted) not started */
        bool finding;           /* the sanitizer would report (use after free, put after release, ...) */
        byte done;              /* actors finished */

        /* The driver's memory touched inside a call: after the free it is a use after free. */
        inline touch(t) { if :: datafreed[t] -> finding = 1 :: else -> skip fi }
        /* kref_put: the release runs at zero; a put at zero is misuse. */
        inline put(t) {
          if :: refs[t] == 0 -> finding = 1
             :: else -> refs[t]--; if :: refs[t] == 0 -> released[t] = 1 :: else -> skip fi
          fi
        }
        /* Fence enter: revoked -> the call fails (no driver code runs); else one more in flight. */
        inline enter(t, entered) {
          atomic { if :: revoked[t] -> entered = 0 :: else -> inflight[t]++; entered = 1 fi }
        }
        inline leave(t) { atomic { inflight[t]-- } }

        """
    }
}
