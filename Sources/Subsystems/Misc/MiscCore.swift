import CharDev
import DriverCore
import Instrumentation

/// A registered misc device (`struct miscdevice`): a name, the shared major and a minor, and
/// the ``CharDevice`` behind `/dev/<name>`.
public final class MiscDevice: @unchecked Sendable, CustomStringConvertible {
    public let name: String
    public let minor: Int
    public let cdev: CharDevice
    public var major: Int { MiscCore.major }
    public var description: String { "\(name) (\(major):\(minor))" }
    /// False once deregistered.
    public var isRegistered: Bool { cdev.isAlive }

    init(name: String, minor: Int, cdev: CharDevice) {
        self.name = name
        self.minor = minor
        self.cdev = cdev
    }
}

/// The misc character-device layer (drivers/char/misc.c): every misc device shares major 10
/// and gets a minor of its own — a requested static one, or the lowest free dynamic one.
///
/// What the kernel's shared namespace guarantees: `misc_open` looks the minor up and swaps in
/// the device's fops under `misc_mtx`, so `misc_deregister` fences *open* only; every other
/// fop on an already-open file runs unfenced, because all misc devices share one cdev and
/// cdev-level revocation cannot work for misc (drivers/char/misc.c: `misc_open()` runs under `misc_mtx`). Here each misc device still gets
/// its own ``CharDevice`` fence, so the model guarantees more: after deregistration *every*
/// fop returns ENODEV. What neither guarantees: a name or minor is not an identity — after a
/// deregistration both are reused, and a fresh open resolves to whatever owns them now (old
/// files stay bound to their old object).
///
/// Thread-safe. Cost: one lock per register/deregister; opens cost what ``DevNamespace`` costs.
public final class MiscCore: @unchecked Sendable {
    /// MISC_MAJOR.
    public static let major = 10
    public let namespace: DevNamespace
    /// The minors handed out dynamically, lowest free first. (misc.c allocates its dynamic
    /// minors from an IDA range of its own; the order is a model choice.)
    public let dynamicMinors: Range<Int>
    private let minors = Locked<[Int: MiscDevice]>([:])

    public init(namespace: DevNamespace, dynamicMinors: Range<Int> = 0..<64) {
        self.namespace = namespace
        self.dynamicMinors = dynamicMinors
    }

    /// Registered misc devices, by minor.
    public var devices: [MiscDevice] { minors.withLock { m in m.keys.sorted().compactMap { m[$0] } } }

    /// `misc_register` for a bound `provider`, deregistered by a devres action at its unbind
    /// (or earlier by ``deregister(_:fileID:line:)``). `operations` are the driver's fops —
    /// bound scope, reached only inside the device's fence. The node is published last.
    ///
    /// May block: no. - Throws: EBUSY if `minor` is taken or no dynamic minor is free;
    /// EEXIST if the name is (nothing stays registered then).
    @discardableResult
    public func register(name: String, minor requested: Int? = nil, operations: any FileOperations,
                         provider: borrowing BoundDevice,
                         fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> MiscDevice {
        let site = CallSite(fileID: fileID, line: line)
        let minor = try reserveMinor(requested, name: name, site: site)
        let misc: MiscDevice
        do {
            let cdev = try CharDevice.prepare(name: name, parent: provider.device, namespace: namespace,
                                              operations: operations, fileID: fileID, line: line)
            misc = MiscDevice(name: name, minor: minor, cdev: cdev)
            minors.withLock { $0[minor] = misc }
            try cdev.publish(fileID: fileID, line: line)
        } catch {
            minors.withLock { _ = $0.removeValue(forKey: minor) }
            freeMinor(minor)
            throw DriverCoreError.invalidArgument("misc_register \(name): \(error)", site: site)
        }
        try provider.devres.addActionOrReset(ActionKey("misc_deregister", data: misc), fileID: fileID, line: line) { [self] in
            self.deregister(misc, fileID: fileID, line: line)
        }
        return misc
    }

    /// `misc_deregister`: the node goes (no new opens), the fence is revoked (open files get
    /// ENODEV from every call, waits only for calls in flight), and the minor becomes free.
    /// Idempotent; never waits for user space to close.
    public func deregister(_ misc: MiscDevice, fileID: StaticString = #fileID, line: UInt = #line) {
        let first = minors.withLock { m -> Bool in
            guard m[misc.minor] === misc else { return false }
            m[misc.minor] = nil
            return true
        }
        misc.cdev.unregister(fileID: fileID, line: line)
        // The minor is free for reuse only once the old node is gone.
        if first { freeMinor(misc.minor) }
    }

    // MARK: Minor allocation

    /// Minors in use or reserved by a registration in progress.
    private let taken = Locked<Set<Int>>([])

    private func reserveMinor(_ requested: Int?, name: String, site: CallSite) throws(DriverCoreError) -> Int {
        let minor = taken.withLock { t -> Int? in
            let pick = requested.map { t.contains($0) ? nil : $0 } ?? dynamicMinors.first { !t.contains($0) }
            if let pick { t.insert(pick) }
            return pick
        }
        guard let minor else {
            throw DriverCoreError.invalidArgument(
                requested.map { "misc_register \(name): minor \($0) is busy (EBUSY)" } ?? "misc_register \(name): no free minor (EBUSY)",
                site: site)
        }
        return minor
    }

    private func freeMinor(_ minor: Int) { taken.withLock { _ = $0.remove(minor) } }
}
