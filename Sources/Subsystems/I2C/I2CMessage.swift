import CharDev
import Instrumentation

/// One segment of an I2C transfer (`struct i2c_msg`, include/uapi/linux/i2c.h): a write of
/// `data` or a read of `length` bytes, to a 7-bit address. In a reply, a read message carries
/// the bytes received in `data`.
public struct I2CMessage: Sendable, Equatable, CustomStringConvertible {
    public let address: UInt16
    public let isRead: Bool
    public let length: Int
    public let data: [UInt8]

    /// A write of `bytes` to `address`.
    public static func write(_ address: UInt16, _ bytes: [UInt8]) -> I2CMessage {
        I2CMessage(address: address, isRead: false, length: bytes.count, data: bytes)
    }

    /// A read of `count` bytes from `address` (`I2C_M_RD`).
    public static func read(_ address: UInt16, count: Int) -> I2CMessage {
        I2CMessage(address: address, isRead: true, length: count, data: [])
    }

    /// The same read message with the bytes received filled in.
    public func received(_ bytes: [UInt8]) -> I2CMessage {
        I2CMessage(address: address, isRead: isRead, length: length, data: bytes)
    }

    public var description: String {
        isRead ? "R 0x\(String(address, radix: 16)) [\(length)]" : "W 0x\(String(address, radix: 16)) \(data)"
    }

    /// Largest message i2c-dev accepts (drivers/i2c/i2c-dev.c rejects `len > 8192` with EINVAL
    /// in I2C_RDWR and clamps read/write counts to it).
    public static let maxLength = 8192
    /// Most messages in one I2C_RDWR (`I2C_RDWR_IOCTL_MAX_MSGS`, i2c-dev.c).
    public static let maxMessages = 42

    /// Checks a transfer before it reaches a driver: non-empty, at most ``maxMessages``,
    /// 7-bit addresses, lengths in 0...``maxLength``. Cost: O(messages). Never blocks.
    static func validate(_ messages: [I2CMessage]) throws(FileError) {
        guard !messages.isEmpty, messages.count <= maxMessages else {
            throw FileError(.EINVAL, "I2C transfer of \(messages.count) messages (1...\(maxMessages))")
        }
        for m in messages {
            guard m.address <= 0x7f else { throw FileError(.EINVAL, "I2C address 0x\(String(m.address, radix: 16)) is not 7-bit") }
            guard m.length >= 0, m.length <= maxLength else { throw FileError(.EINVAL, "I2C message length \(m.length)") }
        }
    }
}

/// What an adapter can do (`I2C_FUNC_*`, include/uapi/linux/i2c.h), the subset modelled.
public struct I2CFunctionality: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Plain I2C messages (`I2C_FUNC_I2C`): I2C_RDWR works.
    public static let i2c = I2CFunctionality(rawValue: 0x0000_0001)
    /// `I2C_FUNC_10BIT_ADDR` (not supported by this model's address checks).
    public static let tenBitAddress = I2CFunctionality(rawValue: 0x0000_0002)
    /// `I2C_FUNC_SMBUS_QUICK`.
    public static let smbusQuick = I2CFunctionality(rawValue: 0x0001_0000)
}
