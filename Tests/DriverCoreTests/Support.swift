import Instrumentation
@testable import DriverCore

/// A kernel with one platform-like bus and an event recorder: the fixture every core test uses.
final class TestKernel: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder = EventRecorder()
    /// Names of devices whose release callback ran, in order (duplicates would mean "twice").
    let released = Locked<[String]>([])
    /// An ordered log the test's callbacks append to.
    let log = Locked<[String]>([])

    init() {
        kernel.events.attach(recorder)
        try! kernel.registerBus(bus)
    }

    func device(_ name: String, ids: [String] = [], parent: Device? = nil, bus: Bus? = nil) -> Device {
        Device(kernel: kernel, name: name, bus: bus ?? self.bus, parent: parent, matchIDs: ids) { [released] dev in
            released.withLock { $0.append(dev.name) }
        }
    }

    func note(_ s: String) { log.withLock { $0.append(s) } }
    var entries: [String] { log.withLock { $0 } }
    var releasedNames: [String] { released.withLock { $0 } }

    /// The detail strings of devres releases for `device`, in order.
    func devresReleases(of device: String) -> [String] {
        recorder.events(.devresRelease).filter { $0.objectName == device }.map(\.detail)
    }
}

/// A tiny Sendable box for values that closures capture.
///
/// Every access holds the lock, including a read-modify-write: `box.value += 1` and
/// `box.value.append(x)` go through `_modify`, which keeps the lock for the whole in-place
/// mutation (with a get and a set, two threads could both read 0 and both write 1).
final class Box<T>: @unchecked Sendable {
    private let lock = InternalLock()
    private var _value: T
    init(_ v: T) { _value = v }
    var value: T {
        get { lock.withLock { _value } }
        _modify {
            lock.lock()
            defer { lock.unlock() }
            yield &_value
        }
    }
}
