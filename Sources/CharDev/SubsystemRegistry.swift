import DriverCore
import Instrumentation

/// The one registration path of every subsystem: a numbered table of registered objects
/// (the kernel's IDR/IDA of adapters, chips, minors and ids) with the lifetime protocol that
/// every subsystem needs and none should write again.
///
/// **Register** (``register(number:provider:action:fileID:line:make:remove:)``): reserve a
/// number (lowest free, or the one requested) → `make` builds the object and prepares its
/// character devices, unpublished → the object enters the table → its nodes are published,
/// last (publish-before-initialised is the bug fixed on top of watchdog's `72139dfa2464`) →
/// a devres action on the provider arranges the removal at unbind. Any failure unwinds what
/// was done, in reverse, and rethrows with its errno intact (EBUSY, EEXIST, ENOMEM, ENOSPC).
///
/// **Lookup and get are one step** (``lookup(_:where:fileID:line:_:)``): a lookup runs its body under
/// the table lock, and removal takes the object out of the table under the same lock
/// *before* the registration reference is dropped. So a body that takes a reference on
/// what it found can never race the final put — the lookup-then-get window in which C code
/// would take a reference on freed memory (the class of `kref_get_unless_zero` fixes) does
/// not exist.
///
/// **Remove** (``remove(_:fileID:line:teardown:)``): out of the table first (no new lookups
/// find it), then the subsystem's teardown (unpublish, revoke, wake, drop the registration
/// reference), then the number is free again — never while the old nodes are still visible.
///
/// Cost: one model lock per lookup, registration and removal; O(n) number allocation.
/// Thread-safe. The table lock is a `ModelLock`, so the interleaving explorer can preempt a
/// lookup racing a removal at the lock, and only there.
public final class SubsystemRegistry<Object: AnyObject & Sendable>: Sendable {
    /// What the table holds, for reports (`i2c adapter`, `misc minor`).
    public let kind: String
    /// Numbers handed out when none is requested, lowest free first.
    public let numbers: Range<Int>
    /// The errno when `numbers` is exhausted: ENOSPC (an IDA's) unless the subsystem says
    /// otherwise (misc_register answers EBUSY).
    let whenFull: Errno
    /// False when the subsystem frees a number only at its object's release
    /// (``freeNumber(_:)`` from the release callback), as gpiolib does in `gpiodev_release`:
    /// a removed chip still held by a file keeps its number, and a rebind takes the next one.
    let freesNumberAtRemoval: Bool
    /// The table lock (`core_lock`, `misc_mtx`, `gpio_devices_lock`): lookups and removals.
    let lock: ModelLock
    private let slots = Locked<[Int: Slot]>([:])

    enum Slot: Sendable {
        /// A registration or a removal in progress: the number is not free, nothing is found.
        case reserved
        case registered(Object)
    }

    public init(kind: String, numbers: Range<Int> = 0..<Int.max, whenFull: Errno = .ENOSPC,
                freesNumberAtRemoval: Bool = true, events: EventStream) {
        self.kind = kind
        self.numbers = numbers
        self.whenFull = whenFull
        self.freesNumberAtRemoval = freesNumberAtRemoval
        lock = ModelLock(class: "registry", name: "\(kind) table", events: events)
    }

    /// The registered objects, by number. A snapshot: take no reference on what it returns
    /// without going through ``lookup(_:where:fileID:line:_:)``.
    public var objects: [Object] {
        slots.withLock { s in
            s.keys.sorted().compactMap { if case .registered(let o) = s[$0] { o } else { nil } }
        }
    }

    /// The object registered as `number`, if any (a snapshot, as ``objects``).
    public func object(number: Int) -> Object? {
        slots.withLock { if case .registered(let o) = $0[number] { o } else { nil } }
    }

    /// Finds a registered object and runs `body` on it under the table lock, so that a
    /// reference `body` takes is taken before any removal can drop the registration's.
    ///
    /// - Parameters:
    ///   - number: the object's number, or nil to search with `predicate`.
    ///   - predicate: what the object must satisfy (the first match in number order wins).
    ///   - fileID: the caller's file, for the lock's events.
    ///   - line: the caller's line.
    ///   - body: runs on the object found, under the table lock; take the reference here.
    /// - Throws: ENOENT if nothing matches; whatever `body` throws.
    /// - May block: on the table lock only. `body` must not block or take the lock again.
    public func lookup<R>(_ number: Int?, where predicate: (Object) -> Bool = { _ in true },
                          fileID: StaticString = #fileID, line: UInt = #line,
                          _ body: (Object) throws(FileError) -> R) throws(FileError) -> R {
        try lock.withLock(site: CallSite(fileID: fileID, line: line)) { () throws(FileError) -> R in
            let found = slots.withLock { s -> Object? in
                if let number {
                    if case .registered(let o) = s[number], predicate(o) { return o }
                    return nil
                }
                for key in s.keys.sorted() { if case .registered(let o) = s[key], predicate(o) { return o } }
                return nil
            }
            guard let found else { throw FileError(.ENOENT, "no \(kind) \(number.map(String.init) ?? "matching")") }
            return try body(found)
        }
    }

    /// Registers an object built by `make` for the bound `provider` and arranges its removal
    /// at the provider's unbind.
    ///
    /// - Parameters:
    ///   - requested: a number to claim (EBUSY if taken or negative; it may lie outside
    ///     ``numbers``, as misc's static minors lie outside its dynamic range), or nil for the
    ///     lowest free one in ``numbers``.
    ///   - provider: the bound device registering; its devres gets the removal action.
    ///   - action: the devres action's name (`i2c_del_adapter`), as the kernel's function.
    ///   - fileID: the caller's file, for events and errors.
    ///   - line: the caller's line.
    ///   - make: builds the object for a number and returns it with its character devices,
    ///     prepared and not yet published (`CharDevice.prepare`).
    ///   - remove: the subsystem's teardown, run by the devres action through
    ///     ``remove(_:fileID:line:teardown:)``.
    /// - Throws: `DriverCoreError.registrationFailed` carrying
    ///   the errno of what failed. Nothing stays registered then; prepared devices are
    ///   unregistered (and released once, through their put).
    /// - Cost: one lock round trip to reserve, one to enter the table, the publishes.
    public func register(number requested: Int? = nil, provider: borrowing BoundDevice, action: String,
                         fileID: StaticString = #fileID, line: UInt = #line,
                         make: (Int) throws(FileError) -> (object: Object, nodes: [CharDevice]),
                         remove: @escaping @Sendable (Object) -> Void) throws(DriverCoreError) -> Object {
        try register(number: requested, devres: provider.devres, action: action, fileID: fileID, line: line,
                     make: make, remove: remove)
    }

    /// ``register(number:provider:action:fileID:line:make:remove:)`` for code that runs inside
    /// a bound callback without the proof at hand (a described driver's interpreter, which
    /// reaches devres through the device as `devm_add_action` does): `devres` must be the
    /// bound provider's.
    package func register(number requested: Int? = nil, devres: Devres, action: String,
                          fileID: StaticString = #fileID, line: UInt = #line,
                          make: (Int) throws(FileError) -> (object: Object, nodes: [CharDevice]),
                          remove: @escaping @Sendable (Object) -> Void) throws(DriverCoreError) -> Object {
        let site = CallSite(fileID: fileID, line: line)
        let number: Int
        do { number = try reserve(requested) } catch { throw failure(action, error, site) }
        var built: (object: Object, nodes: [CharDevice])?
        do {
            let made = try make(number)
            built = made
            slots.withLock { $0[number] = .registered(made.object) }
            for node in made.nodes { try node.publish(fileID: fileID, line: line) }
        } catch {
            // Out of the table first (as in a removal), then the nodes, then the number.
            lock.withLock(site: site) { slots.withLock { $0[number] = .reserved } }
            for node in built?.nodes.reversed() ?? [] { node.unregister(fileID: fileID, line: line) }
            // A registry that frees numbers at release leaves a built object's number to its
            // release callback (freeing it here too could free a number another registration
            // has reserved since).
            if freesNumberAtRemoval || built == nil { release(number) }
            throw failure(action, error, site)
        }
        let object = built!.object
        try devres.addActionOrReset(ActionKey(action, data: object), fileID: fileID, line: line) {
            remove(object)
        }
        return object
    }

    /// Takes `object` out of the table (under the lock: no lookup finds it afterwards), runs
    /// `teardown`, then frees its number. Idempotent: a second call does nothing and returns
    /// false.
    @discardableResult
    public func remove(_ object: Object, fileID: StaticString = #fileID, line: UInt = #line,
                       teardown: () -> Void) -> Bool {
        let number = lock.withLock(site: CallSite(fileID: fileID, line: line)) {
            slots.withLock { s -> Int? in
                guard let n = s.first(where: { if case .registered(let o) = $0.value { o === object } else { false } })?.key
                else { return nil }
                s[n] = .reserved
                return n
            }
        }
        guard let number else { return false }
        teardown()
        if freesNumberAtRemoval { release(number) }
        return true
    }

    /// Frees a removed object's number, for a registry that keeps numbers until release
    /// (`freesNumberAtRemoval: false`): call it from the object's release callback. A number
    /// still registered is left alone.
    public func freeNumber(_ number: Int) { release(number) }

    private func reserve(_ requested: Int?) throws(FileError) -> Int {
        try slots.withLock { (s: inout [Int: Slot]) throws(FileError) -> Int in
            if let requested {
                guard requested >= 0, s[requested] == nil else {
                    throw FileError(.EBUSY, "\(kind) \(requested) is busy")
                }
                s[requested] = .reserved
                return requested
            }
            guard let free = numbers.lazy.first(where: { s[$0] == nil }) else {
                throw FileError(whenFull, "no free \(kind) number")
            }
            s[free] = .reserved
            return free
        }
    }

    private func release(_ number: Int) {
        slots.withLock { s in if case .reserved = s[number] { s[number] = nil } }
    }

    private func failure(_ action: String, _ error: FileError, _ site: CallSite) -> DriverCoreError {
        .registrationFailed(what: action, errno: error.errno, reason: error.message, site: site)
    }
}
