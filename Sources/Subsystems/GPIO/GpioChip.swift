import CharDev
import DriverCore
import Instrumentation

/// What a GPIO driver provides (the bound-scope part, the kernel's `struct gpio_chip`).
/// Called by gpiolib only inside the device's fence, so an implementation may keep its state
/// in devres memory: once unbind has revoked the fence, nothing calls it again.
public protocol GpioChipOps: AnyObject, Sendable {
    var label: String { get }
    var lineNames: [String] { get }
    func getValue(_ offset: Int) throws(FileError) -> Bool
    func setValue(_ offset: Int, _ value: Bool) throws(FileError)
    func setDirection(_ offset: Int, output: Bool) throws(FileError)
    /// The driver's interrupt handler for an edge on `offset`. It runs outside the chip's
    /// fence, as a hard IRQ handler does until `free_irq`, so whatever it touches must be
    /// protected by the driver itself (Rust's `Devres`: `DevresRevocable` in DriverCore).
    /// Returns false for a spurious interrupt: nothing is delivered.
    func interrupt(_ offset: Int, rising: Bool) -> Bool
}

extension GpioChipOps {
    public var lineCount: Int { lineNames.count }
    public func interrupt(_ offset: Int, rising: Bool) -> Bool { true }
}

/// An edge seen on a requested line, as read from a line-request file
/// (`struct gpio_v2_line_event`).
public struct GpioEdgeEvent: Sendable, Equatable, Codable {
    public enum Edge: String, Sendable, Codable { case rising, falling }
    public let offset: Int
    public let edge: Edge
    public let sequence: UInt64

    /// The 16-byte record read(2) returns.
    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: UInt64(offset).littleEndian) { out.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: (sequence << 1 | (edge == .rising ? 1 : 0)).littleEndian) { out.replaceSubrange(8..<16, with: $0) }
        return out
    }

    static func decode(_ bytes: [UInt8]) -> [GpioEdgeEvent] {
        stride(from: 0, to: bytes.count - 15, by: 16).map { i in
            let offset = bytes[i..<i + 8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let tail = bytes[i + 8..<i + 16].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            return GpioEdgeEvent(offset: Int(offset), edge: tail & 1 == 1 ? .rising : .falling, sequence: tail >> 1)
        }
    }
}

// MARK: uAPI requests (include/uapi/linux/gpio.h, v2)

/// `struct gpiochip_info`: the chip's name (`gpiochipN`), label (the provider) and line count.
public struct GpioChipInfo: Sendable, Equatable { public let name: String; public let label: String; public let lines: Int }
/// `struct gpio_v2_line_info`, reduced to what the model tracks: name, consumer, direction.
public struct GpioLineInfo: Sendable, Equatable {
    public let offset: Int
    public let name: String
    public let consumer: String?
    public let output: Bool
    public var used: Bool { consumer != nil }
}

/// `GPIO_GET_CHIPINFO_IOCTL` on a chip file.
public struct GpioGetChipInfo: IoctlRequest {
    public typealias Reply = GpioChipInfo
    public static let name = "GPIO_GET_CHIPINFO_IOCTL"
    public init() {}
}

/// `GPIO_V2_GET_LINEINFO_IOCTL` on a chip file: EINVAL for an offset out of range.
public struct GpioGetLineInfo: IoctlRequest {
    public typealias Reply = GpioLineInfo
    public static let name = "GPIO_V2_GET_LINEINFO_IOCTL"
    public let offset: Int
    public init(offset: Int) { self.offset = offset }
}

/// `GPIO_V2_GET_LINE_IOCTL`: requests lines (EBUSY if one is taken, EINVAL for bad offsets);
/// the reply is a new file, the line request, which releases the lines when closed.
public struct GpioGetLineRequest: IoctlRequest {
    public typealias Reply = OpenFile
    public static let name = "GPIO_V2_GET_LINE_IOCTL"
    public let offsets: [Int]
    public let consumer: String
    public let output: Bool
    public let edgeDetection: Bool
    public init(offsets: [Int], consumer: String, output: Bool = false, edgeDetection: Bool = false) {
        self.offsets = offsets
        self.consumer = consumer
        self.output = output
        self.edgeDetection = edgeDetection
    }
}

/// `GPIO_V2_LINE_GET_VALUES_IOCTL` on a line-request file: one value per requested line.
public struct GpioLineGetValues: IoctlRequest {
    public typealias Reply = [Bool]
    public static let name = "GPIO_V2_LINE_GET_VALUES_IOCTL"
    public init() {}
}

/// `GPIO_V2_LINE_SET_VALUES_IOCTL` on a line-request file: one value per requested line.
public struct GpioLineSetValues: IoctlRequest {
    public typealias Reply = Void
    public static let name = "GPIO_V2_LINE_SET_VALUES_IOCTL"
    public let values: [Bool]
    public init(_ values: [Bool]) { self.values = values }
}

extension OpenFile {
    /// Reads edge events from a line-request file (blocking unless opened non-blocking).
    public func readEdgeEvents(fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> [GpioEdgeEvent] {
        GpioEdgeEvent.decode(try read(maxBytes: 16 * 16, fileID: fileID, line: line))
    }
}
