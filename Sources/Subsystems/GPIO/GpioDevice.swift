import CharDev
import DriverCore
import Instrumentation

/// gpiolib's `struct gpio_device`: the subsystem-owned, refcounted object behind
/// `/dev/gpiochipN` (drivers/gpio/gpiolib.h, after the SRCU rework `d83cee3d2bb1`). It owns the line table (who requested what) and the
/// character device; the driver's ``GpioChipOps`` is reached only through the device's fence.
/// After the provider unbinds every call — from files or in-kernel descriptors — is ENODEV.
public final class GpioDevice: Sendable {
    public let number: Int
    let lines: Locked<[String?]>   // consumer per line (object lifetime)
    let requests = Locked<[ObjectIdentifier: LineRequestState]>([:])
    let sequence = Locked<UInt64>(0)
    /// Set once, before the node is published (so no file operation can see it unset).
    private let cdevSlot = Locked<CharDevice?>(nil)
    /// The driver's interrupt handler, from registration until the chip is removed (the
    /// request_irq … free_irq span): an edge calls it directly, not through the fence.
    let irqHandler = Locked<(any GpioChipOps)?>(nil)

    public var name: String { "gpiochip\(number)" }
    public var cdev: CharDevice { cdevSlot.withLock { $0! } }

    init(number: Int, lineCount: Int) {
        self.number = number
        lines = Locked([String?](repeating: nil, count: lineCount))
    }

    func attach(_ cdev: CharDevice) { cdevSlot.withLock { $0 = cdev } }

    /// An edge on `offset` (the driver's interrupt handler calls this): queued on every line
    /// request that watches the line, waking readers and pollers.
    public func reportEdge(offset: Int, rising: Bool) {
        guard let chip = irqHandler.withLock({ $0 }), chip.interrupt(offset, rising: rising) else { return }
        let seq = sequence.withLock { s -> UInt64 in s += 1; return s }
        let event = GpioEdgeEvent(offset: offset, edge: rising ? .rising : .falling, sequence: seq)
        var delivered = false
        for request in requests.withLock({ Array($0.values) }) where request.edgeDetection && request.offsets.contains(offset) {
            request.queue.withLock { $0.append(event) }
            delivered = true
        }
        if delivered { cdev.notify() }
    }

    /// Lines currently requested (by files or descriptors).
    public var requestedLines: [Int] { lines.withLock { l in l.indices.filter { l[$0] != nil } } }
}

/// The private data of a line-request file.
final class LineRequestState: Sendable {
    let offsets: [Int]
    let consumer: String
    let edgeDetection: Bool
    let queue = Locked<[GpioEdgeEvent]>([])
    init(offsets: [Int], consumer: String, edgeDetection: Bool) {
        self.offsets = offsets
        self.consumer = consumer
        self.edgeDetection = edgeDetection
    }
}

/// The file operations of a GPIO chip node and its line-request files: the uAPI on top of
/// the driver's chip ops. Runs only inside the fence (the helper guarantees it).
final class GpioCdevOps: FileOperations {
    let chip: any GpioChipOps
    let gdev: GpioDevice

    init(chip: any GpioChipOps, gdev: GpioDevice) {
        self.chip = chip
        self.gdev = gdev
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        if let state = file.privateData(as: LineRequestState.self) {
            return try lineIoctl(state, request)
        }
        switch request {
        case is GpioGetChipInfo:
            return GpioChipInfo(name: gdev.name, label: chip.label, lines: chip.lineCount)
        case let r as GpioGetLineInfo:
            guard r.offset >= 0, r.offset < chip.lineCount else { throw FileError(.EINVAL, "line \(r.offset) out of range") }
            let consumer = gdev.lines.withLock { $0[r.offset] }
            return GpioLineInfo(offset: r.offset, name: chip.lineNames[r.offset], consumer: consumer, output: false)
        case let r as GpioGetLineRequest:
            return try requestLines(r)
        default:
            throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)")
        }
    }

    private func requestLines(_ r: GpioGetLineRequest) throws(FileError) -> OpenFile {
        guard !r.offsets.isEmpty, r.offsets.allSatisfy({ $0 >= 0 && $0 < chip.lineCount }) else {
            throw FileError(.EINVAL, "bad line offsets \(r.offsets)")
        }
        try gdev.lines.withLock { (l: inout [String?]) throws(FileError) in
            if let busy = r.offsets.first(where: { l[$0] != nil }) {
                throw FileError(.EBUSY, "line \(busy) is used by \(l[busy]!)")
            }
            for o in r.offsets { l[o] = r.consumer }
        }
        for o in r.offsets { try chip.setDirection(o, output: r.output) }
        let state = LineRequestState(offsets: r.offsets, consumer: r.consumer, edgeDetection: r.edgeDetection)
        gdev.requests.withLock { $0[ObjectIdentifier(state)] = state }
        do {
            return try gdev.cdev.openAnonymous(name: "gpio-line", privateData: state)
        } catch {
            releaseLines(state)
            throw error
        }
    }

    private func lineIoctl(_ state: LineRequestState, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        switch request {
        case is GpioLineGetValues:
            var values: [Bool] = []
            for o in state.offsets { values.append(try chip.getValue(o)) }
            return values
        case let r as GpioLineSetValues:
            guard r.values.count == state.offsets.count else { throw FileError(.EINVAL, "expected \(state.offsets.count) values") }
            for (o, v) in zip(state.offsets, r.values) { try chip.setValue(o, v) }
            return ()
        default:
            throw FileError(.ENOTTY, "\(type(of: request).name) on a line request")
        }
    }

    /// Nothing queued means sleep (CharDev turns it into EAGAIN for a non-blocking file), for
    /// both kinds of file, as Linux 6.12 does (drivers/gpio/gpiolib-cdev.c): a chip file's
    /// `lineinfo_watch_read` waits for line-info events, none of which the model produces, and
    /// `linereq_read` does not refuse a request made without edge detection — it waits for
    /// events that cannot come. Only an unbind (or, on Linux, a signal) ends the wait.
    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        guard let state = file.privateData(as: LineRequestState.self) else { return nil }
        let take = max(1, maxBytes / 16)
        let events = state.queue.withLock { q -> [GpioEdgeEvent] in
            let n = min(take, q.count)
            defer { q.removeFirst(n) }
            return Array(q.prefix(n))
        }
        return events.isEmpty ? nil : events.flatMap(\.bytes)
    }

    func poll(_ file: FileContext) -> PollEvents {
        guard let state = file.privateData(as: LineRequestState.self) else { return [] }
        return state.queue.withLock { $0.isEmpty } ? [] : [.in]
    }

    func release(_ file: FileContext) {
        if let state = file.privateData(as: LineRequestState.self) { releaseLines(state) }
    }

    func releaseLines(_ state: LineRequestState) {
        gdev.requests.withLock { $0[ObjectIdentifier(state)] = nil }
        gdev.lines.withLock { l in for o in state.offsets where l[o] == state.consumer { l[o] = nil } }
    }
}
