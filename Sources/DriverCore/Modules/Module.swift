import Instrumentation
import Synchronization

/// A loadable module (kernel/module/main.c): its code, a reference count that pins that code,
/// and a state that says whether new references may still be taken.
///
/// **References pin code, never data.** `try_module_get` (``tryGet(fileID:line:)``) succeeds
/// only while the module is ``State/live``; ``Kernel/deleteModule(_:fileID:line:)`` refuses
/// with `EWOULDBLOCK` while any reference is held, so an open file whose file operations name
/// the module as their `owner` keeps the code there until its close. Data lifetime is a
/// separate matter (a module reference does not stop an unbind).
///
/// **The code is memory.** The module's text is a ``ModelMemory`` freed when the module is
/// unloaded (`free_module`); code that runs in it goes through ``execute(_:fileID:line:_:)``,
/// so a call into an unloaded module's functions is a `memory.useAfterFree` event (the
/// sanitizer's use-after-free), never silent.
///
/// The count is the kernel's: a base reference held by the loader (`MODULE_REF_BASE`) plus one
/// per `try_module_get`; unloading drops the base and fails if anything is left
/// (`try_release_module_ref`), after which `try_module_get`'s increment-unless-zero fails too.
///
/// Cost: get and put are one atomic read-modify-write plus an event check. Thread-safe.
public final class Module: Sendable, CustomStringConvertible {
    /// The lifecycle states of `enum module_state` (include/linux/module.h).
    public enum State: UInt8, Sendable, CustomStringConvertible {
        /// `MODULE_STATE_COMING`: its init function runs; no reference can be taken yet.
        case coming
        /// `MODULE_STATE_LIVE`: references may be taken.
        case live
        /// `MODULE_STATE_GOING`: being unloaded; `try_module_get` fails.
        case going
        /// The module was freed: its text is gone.
        case unloaded

        public var description: String {
            switch self {
            case .coming: "coming"
            case .live: "live"
            case .going: "going"
            case .unloaded: "unloaded"
            }
        }
    }

    public let id = ObjectID.next()
    public let name: String
    let events: EventStream
    /// The module's code: freed at unload, read by every ``execute(_:fileID:line:_:)``.
    let text: ModelMemory<String>
    /// Base reference + one per holder. Relaxed for gets (the holder already orders its own
    /// uses); acquire-release for puts and the unload's drop of the base, so the unloader sees
    /// every holder's writes before it frees the text (the kref rule).
    private let refcount = Atomic<Int>(1)
    private let _state = Atomic<UInt8>(State.coming.rawValue)
    /// True while `delete_module` looks for holders (`releaseBase()`).
    let unloading = Atomic<Bool>(false)

    init(name: String, events: EventStream, site: CallSite) {
        self.name = name
        self.events = events
        text = ModelMemory("code of \(name)", name: "module \(name) text", events: events,
                           fileID: site.fileID, line: site.line)
    }

    public var description: String { name }

    /// The module's state now (a snapshot).
    public var state: State { State(rawValue: _state.load(ordering: .acquiring)) ?? .unloaded }

    func setState(_ state: State) { _state.store(state.rawValue, ordering: .releasing) }

    /// References held beyond the loader's own (`module_refcount()`).
    public var referenceCount: Int { max(0, refcount.load(ordering: .relaxed) - 1) }

    /// `try_module_get()`: takes a reference if the module is live. Returns false (and changes
    /// nothing) while it is coming, going or unloaded.
    public func tryGet(fileID: StaticString = #fileID, line: UInt = #line) -> Bool {
        let site = CallSite(fileID: fileID, line: line)
        Scheduling.point(.refGet(id, name: "module \(name)"), site: site)
        guard state == .live else { return refused(site) }
        // atomic_inc_not_zero: an unload that dropped the base reference leaves 0 here.
        var current = refcount.load(ordering: .relaxed)
        while true {
            if current <= 0 { return refused(site) }
            let (done, seen) = refcount.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if done { break }
            current = seen
        }
        events.emit(.moduleGet, object: id, name: name, detail: "refs=\(current)", site: site)
        return true
    }

    private func refused(_ site: CallSite) -> Bool {
        events.emit(.moduleGetRefused, object: id, name: name, detail: "state=\(state)", site: site)
        return false
    }

    /// `module_put()`: drops a reference taken by ``tryGet(fileID:line:)``. A put with none
    /// held is refused and reported as a `ref.misuse` (`put`), the sanitizer's double put.
    public func put(fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        Scheduling.point(.refPut(id, name: "module \(name)"), site: site)
        var current = refcount.load(ordering: .relaxed)
        while true {
            // Only the base left: nothing to put. (While an unload has dropped the base to look
            // for holders, a holder's count is the whole count: its put is legitimate.)
            if current <= 0 || (current == 1 && !unloading.load(ordering: .acquiring)) {
                events.emit(.refMisuse, object: id, name: "module \(name)", detail: "put", site: site)
                return
            }
            let (done, seen) = refcount.compareExchange(expected: current, desired: current - 1,
                                                        ordering: .acquiringAndReleasing)
            if done { break }
            current = seen
        }
        events.emit(.modulePut, object: id, name: name, detail: "refs=\(current - 2)", site: site)
    }

    /// Runs `body` as code of this module (a file operation, a callback): the module's text is
    /// read first, so running code of an unloaded module is reported as a use after free
    /// (`memory.useAfterFree` on `module <name> text`) and throws, instead of running.
    ///
    /// A scheduling point precedes the entry (the explorer may run an unload right before it).
    /// - Throws: ``DriverCoreError/useAfterFree(memory:operation:freedAt:site:)`` once unloaded.
    public func execute<R>(_ what: String, fileID: StaticString = #fileID, line: UInt = #line,
                           _ body: () -> R) throws(DriverCoreError) -> R {
        Scheduling.point(.call(id, name: "\(what) in module \(name)"), site: CallSite(fileID: fileID, line: line))
        _ = try text.get(fileID: fileID, line: line)
        return body()
    }

    /// `try_release_module_ref()`: drops the base reference; if others remain, puts it back
    /// (unless they all went meanwhile) and returns false.
    func releaseBase() -> Bool {
        let left = refcount.subtract(1, ordering: .acquiringAndReleasing).newValue
        guard left != 0 else { return true }
        // atomic_add_unless(&refcnt, MODULE_REF_BASE, 0): restore the base unless the last
        // holder left in between (then the module is ours to unload).
        var current = refcount.load(ordering: .relaxed)
        while current != 0 {
            let (done, seen) = refcount.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if done { return false }
            current = seen
        }
        return true
    }
}
