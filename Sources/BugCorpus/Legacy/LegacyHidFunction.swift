import DriverCore
import Instrumentation

/// USB gadget f_hid before CVE-2026-31606 (drivers/usb/gadget/function/f_hid.c, class P11): the function object (`struct
/// f_hidg`, embedding its cdev) outlives unbind/rebind, and `bind()` ran `cdev_init` on it —
/// resetting the cdev's reference count — while a file opened in the previous binding still
/// held it. That file's close then drops a reference the new binding's file owns, the count
/// reaches zero early, and the new file's next call uses freed memory. The fix (`cdev_alloc`
/// per bind; ours by construction): a fresh object per binding.
final class LegacyHidFunction: Sendable {
    private let count = Locked(0)
    private let state = Locked<ModelMemory<[UInt8]>?>(nil)
    let events: EventStream
    let legacy: Bool
    init(events: EventStream, legacy: Bool) {
        self.events = events
        self.legacy = legacy
    }

    /// A file's reference on the object it opened (so the fixed variant can tell objects apart).
    struct Handle {
        let memory: ModelMemory<[UInt8]>
        let count: Locked<Int>
    }
    private let objectCount = Locked(Locked(0))

    /// `hidg_bind`: the legacy variant re-initialises the one object's count (cdev_init); the
    /// fixed one makes a new object.
    func bind() {
        let memory = ModelMemory([UInt8](), name: "f_hidg report buffer", events: events)
        if legacy {
            count.withLock { $0 = 1 }                    // cdev_init on a cdev still in use
            state.withLock { $0 = memory }
        } else {
            objectCount.withLock { $0 = Locked(1) }      // cdev_alloc: a fresh refcounted object
            state.withLock { $0 = memory }
        }
    }

    func open() -> Handle {
        let memory = state.withLock { $0! }
        let c = legacy ? count : objectCount.withLock { $0 }
        c.withLock { $0 += 1 }
        return Handle(memory: memory, count: c)
    }

    func close(_ handle: Handle) { put(handle.count, handle.memory) }

    func unbind() {
        let memory = state.withLock { $0! }
        put(legacy ? count : objectCount.withLock { $0 }, memory)
    }

    /// `f_hidg_write`: touches the report buffer of the object the file opened.
    func write(_ handle: Handle) {
        _ = try? handle.memory.write { $0.append(1) }
    }

    private func put(_ c: Locked<Int>, _ fallback: ModelMemory<[UInt8]>) {
        // The release frees the buffer of the object *currently* in the function (legacy: the
        // only one there is).
        let last = c.withLock { n -> Bool in n -= 1; return n == 0 }
        if last { try? (legacy ? state.withLock { $0! } : fallback).free() }
    }
}

enum HidRebind {
    /// bind, open (old file), unbind, rebind, open (new file), close the old file, unbind,
    /// then the new file writes.
    static func run(legacy: Bool, events: EventStream) {
        let function = LegacyHidFunction(events: events, legacy: legacy)
        function.bind()
        let old = function.open()
        function.unbind()
        function.bind()
        let new = function.open()
        function.close(old)
        function.unbind()
        function.write(new)
        function.close(new)
    }
}
