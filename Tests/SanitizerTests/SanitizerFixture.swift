import DriverCore
import Foundation
import Instrumentation
import Sanitizer

/// A kernel with one platform bus and a sanitizer attached before anything is created.
final class SanitizerFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let sanitizer: Sanitizer

    init() throws {
        sanitizer = Sanitizer(attachingTo: kernel)
        try kernel.registerBus(bus)
    }

    /// A device on the bus, matched by `compatible`, not yet registered.
    func device(_ name: String, compatible: String = "test,dev",
                fileID: StaticString = #fileID, line: UInt = #line) -> Device {
        Device(kernel: kernel, name: name, bus: bus, matchIDs: [compatible], fileID: fileID, line: line) { _ in }
    }

    /// Findings of one kind, in order, including the end-of-run checks.
    func findings(_ kind: FindingKind) -> [Finding] { sanitizer.finish().filter { $0.kind == kind } }
}

/// True when `site` is the given line of a file of this test target.
func isSite(_ site: CallSite, line: Int) -> Bool {
    site.line == UInt(line) && site.fileID.description.hasPrefix("SanitizerTests/")
}

/// A box the tests use to carry a value out of a probe callback.
final class Box<T: Sendable>: @unchecked Sendable {
    private let lock = Locked<T?>(nil)
    var value: T? {
        get { lock.withLock { $0 } }
        set { lock.withLock { $0 = newValue } }
    }
}

/// Runs `body` on a new OS thread (never the caller's) and waits for it.
func onOtherThread(_ body: @escaping @Sendable () -> Void) {
    let group = DispatchGroup()
    group.enter()
    Thread {
        body()
        group.leave()
    }.start()
    group.wait()
}
