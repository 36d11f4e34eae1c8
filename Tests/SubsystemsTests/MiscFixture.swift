import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// A platform bus with misc-device controllers ("ctl-a", ...) whose driver registers
/// `/dev/<controller>-misc`; the driver's buffer is devres memory, so any fop reaching the
/// driver after unbind raises a `memory.useAfterFree` event, which every test checks.
final class MiscFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let misc: MiscCore
    private(set) var controllers: [Device] = []

    /// The driver's fops: a byte pipe. Bound scope, behind the fence.
    final class Ops: FileOperations {
        let buffer: ModelMemory<[UInt8]>
        init(buffer: ModelMemory<[UInt8]>) { self.buffer = buffer }
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            do {
                let out = try buffer.write { b -> [UInt8] in defer { b.removeFirst(min(maxBytes, b.count)) }; return Array(b.prefix(maxBytes)) }
                return out.isEmpty ? nil : out
            } catch { throw FileError(.EIO, "\(error)") }
        }
        func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
            do { try buffer.write { $0.append(contentsOf: data) } } catch { throw FileError(.EIO, "\(error)") }
            return data.count
        }
        func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
            guard request is MiscQueued else { throw FileError(.ENOTTY, "\(type(of: request).name)") }
            do { return try buffer.get().count } catch { throw FileError(.EIO, "\(error)") }
        }
        func poll(_ file: FileContext) -> PollEvents { ((try? buffer.get().isEmpty) ?? true) ? [.out] : [.in, .out] }
    }

    init(controllers names: [String] = ["ctl-a"], keeping: Set<EventKind>? = nil) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        misc = MiscCore(namespace: dev)
        let misc = self.misc
        try kernel.registerDriver(ClosureDriver(name: "test-misc", idTable: ["test,misc"]) { (d: borrowing BoundDevice) throws(ProbeError) in
            let name = d.device.name + "-misc"
            try ProbeError.mapping {
                let buffer = try d.devres.alloc([UInt8](), name: "devm_kzalloc(buffer)")
                try misc.register(name: name, operations: Ops(buffer: buffer), provider: d)
            }
        }, on: bus)
        for name in names { try addController(name) }
    }

    @discardableResult
    func addController(_ name: String) throws -> Device {
        let device = Device(kernel: kernel, name: name, bus: bus, matchIDs: ["test,misc"]) { _ in }
        try kernel.register(device)
        controllers.append(device)
        return device
    }

    func device(_ name: String) -> MiscDevice? { misc.devices.first { $0.name == name } }
    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
    func releases(of node: String) -> Int { recorder.events(.deviceRelease).filter { $0.objectName == node }.count }
}

/// The test driver's one ioctl: bytes queued.
struct MiscQueued: IoctlRequest {
    typealias Reply = Int
    static let name = "MISC_TEST_QUEUED"
}
