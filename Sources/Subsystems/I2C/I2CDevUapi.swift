import CharDev

// The i2c-dev uAPI (include/uapi/linux/i2c-dev.h), as typed requests.

/// `I2C_SLAVE`: selects the address that read(2)/write(2) on this file talk to. EINVAL for an
/// address that is not 7-bit; EBUSY if an in-kernel client already uses it (i2c-dev.c
/// `i2cdev_check_addr`).
public struct I2CSetSlave: IoctlRequest {
    public typealias Reply = Void
    public static let name = "I2C_SLAVE"
    public let address: UInt16
    public init(_ address: UInt16) { self.address = address }
}

/// `I2C_SLAVE_FORCE`: as ``I2CSetSlave`` but also when a kernel client uses the address.
public struct I2CSetSlaveForce: IoctlRequest {
    public typealias Reply = Void
    public static let name = "I2C_SLAVE_FORCE"
    public let address: UInt16
    public init(_ address: UInt16) { self.address = address }
}

/// `I2C_RDWR`: one combined transfer of up to 42 messages; the reply holds the messages with
/// read data filled in.
public struct I2CReadWrite: IoctlRequest {
    public typealias Reply = [I2CMessage]
    public static let name = "I2C_RDWR"
    public let messages: [I2CMessage]
    public init(_ messages: [I2CMessage]) { self.messages = messages }
}

/// `I2C_FUNCS`: the adapter's functionality bits.
public struct I2CGetFunctionality: IoctlRequest {
    public typealias Reply = I2CFunctionality
    public static let name = "I2C_FUNCS"
    public init() {}
}
