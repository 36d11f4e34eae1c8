import Testing
import Foundation
import CharDev
import DriverCore
import Instrumentation

/// The generic helper's protocol (Laurent Pinchart's char-device teardown, ksummit list, July 2021), with a minimal echo device: publish only when
/// initialised, fence every operation, unregister without waiting for user space.
@Suite struct CharDeviceHelperTests {
    final class Echo: FileOperations {
        let buffer = Locked<[UInt8]>([])
        let opened = Locked(0)
        func open(_ file: FileContext) throws(FileError) -> (any Sendable)? { opened.withLock { $0 += 1 }; return nil }
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            buffer.withLock { b in
                guard !b.isEmpty else { return nil }
                defer { b.removeAll() }
                return b
            }
        }
        func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
            buffer.withLock { $0 += data }
            return data.count
        }
        func poll(_ file: FileContext) -> PollEvents { buffer.withLock { $0.isEmpty } ? [.out] : [.in, .out] }
    }

    func make() throws -> (Kernel, DevNamespace, CharDevice, Echo) {
        let kernel = Kernel()
        let ns = DevNamespace(kernel: kernel)
        let ops = Echo()
        let cdev = try CharDevice.register(name: "echo0", parent: nil, namespace: ns, operations: ops)
        return (kernel, ns, cdev, ops)
    }

    @Test func preparedButUnpublishedNodeCannotBeOpened() throws {
        let kernel = Kernel()
        let ns = DevNamespace(kernel: kernel)
        let cdev = try CharDevice.prepare(name: "late0", parent: nil, namespace: ns, operations: Echo())
        #expect(throws: FileError(.ENOENT, "")) { try ns.open("/dev/late0") }
        try cdev.publish()
        let f = try ns.open("/dev/late0")
        try f.close()
    }

    @Test func duplicateNameIsEEXISTAndLeavesNothingBehind() throws {
        let (_, ns, _, _) = try make()
        #expect(throws: FileError(.EEXIST, "")) {
            try CharDevice.register(name: "echo0", parent: nil, namespace: ns, operations: Echo())
        }
        #expect(ns.paths == ["/dev/echo0"])
    }

    @Test func openUnregisterAccessClose() throws {
        let (_, ns, cdev, ops) = try make()
        let f = try ns.open("echo0", nonblocking: true)
        #expect(try f.write([1, 2, 3]) == 3)
        #expect(f.poll([.in]) == [.in])
        #expect(try f.read() == [1, 2, 3])
        #expect(throws: FileError(.EAGAIN, "")) { try f.read() }
        cdev.unregister()
        cdev.unregister()  // idempotent
        #expect(throws: FileError(.ENOENT, "")) { try ns.open("echo0") }
        #expect(throws: FileError(.ENODEV, "")) { try f.write([4]) }
        #expect(throws: FileError(.ENODEV, "")) { try f.read() }
        #expect(f.poll() == [.hup, .err])
        #expect(!cdev.isReleased)
        try f.close()
        #expect(cdev.isReleased)
        #expect(ops.opened.withLock { $0 } == 1)
    }

    @Test func unknownIoctlIsENOTTYAndUnknownNodeIsENOENT() throws {
        struct Bogus: IoctlRequest { typealias Reply = Int; static let name = "BOGUS_IOCTL" }
        let (_, ns, _, _) = try make()
        let f = try ns.open("echo0")
        #expect(throws: FileError(.ENOTTY, "")) { try f.ioctl(Bogus()) }
        #expect(throws: FileError(.ENOENT, "")) { try ns.open("nothing0") }
        try f.close()
    }

    @Test func opensRacingUnregisterNeverSeeAHalfDeadNode() async throws {
        for _ in 0..<20 {
            let (_, ns, cdev, _) = try make()
            let results = Locked<[String]>([])
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        for _ in 0..<50 {
                            do throws(FileError) {
                                let f = try ns.open("echo0")
                                _ = try? f.write([1])
                                try f.close()
                                results.withLock { $0.append("ok") }
                            } catch {
                                results.withLock { $0.append(error.errno.name) }
                            }
                        }
                    }
                }
                group.addTask { cdev.unregister() }
            }
            #expect(Set(results.withLock { $0 }).isSubset(of: ["ok", "ENOENT", "ENODEV"]))
            #expect(cdev.isReleased)  // every file was closed: the object went exactly then
        }
    }
}
