import CharDev
import DriverCore
import Instrumentation

/// The private state of an open `/dev/i2c-N` file: the address selected with I2C_SLAVE
/// (i2c-dev.c allocates an anonymous `i2c_client` per open for this).
final class I2CDevFile: Sendable {
    let address = Locked<UInt16?>(nil)
}

/// The bound-scope side of an adapter: the driver's ops plus the i2c-dev file operations on
/// top of them. Every method runs inside the adapter's fence (the helper, or
/// ``I2CClient``, guarantees it), so none can reach the driver after its unbind finished.
final class I2CAdapterBinding: FileOperations {
    let ops: any I2CAdapterOps
    let clients: I2CClientTable
    /// `i2c_lock_bus`: one transfer at a time on the adapter; counts transfers done.
    private let busLock = Locked<UInt64>(0)

    init(ops: any I2CAdapterOps, clients: I2CClientTable) {
        self.ops = ops
        self.clients = clients
    }

    /// `i2c_transfer`: validates, then calls the driver under the bus lock. Runs inside the
    /// fence (callers' duty), so the driver is bound for the whole call — check and use are one
    /// critical section (class P3, spidev's `a720416d9463`).
    func transfer(_ messages: [I2CMessage]) throws(FileError) -> [I2CMessage] {
        try I2CMessage.validate(messages)
        return try busLock.withLock { (count: inout UInt64) throws(FileError) -> [I2CMessage] in
            count &+= 1
            return try ops.masterTransfer(messages)
        }
    }

    // MARK: i2c-dev (drivers/i2c/i2c-dev.c)

    func open(_ file: FileContext) throws(FileError) -> (any Sendable)? { I2CDevFile() }

    private func selected(_ file: FileContext, _ what: String) throws(FileError) -> UInt16 {
        guard let state = file.privateData(as: I2CDevFile.self), let address = state.address.withLock({ $0 }) else {
            // i2c-dev would use address 0 here; the model refuses instead.
            throw FileError(.EINVAL, "\(what) on \(file.node) before I2C_SLAVE")
        }
        return address
    }

    /// `i2cdev_read`: one read message of `min(maxBytes, 8192)` bytes to the selected address.
    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        let address = try selected(file, "read")
        let count = min(max(maxBytes, 0), I2CMessage.maxLength)
        return try transfer([.read(address, count: count)]).first?.data ?? []
    }

    /// `i2cdev_write`: one write message (at most 8192 bytes) to the selected address.
    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        let address = try selected(file, "write")
        let bytes = Array(data.prefix(I2CMessage.maxLength))
        _ = try transfer([.write(address, bytes)])
        return bytes.count
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        switch request {
        case let r as I2CSetSlave:
            try select(file, r.address, force: false)
            return ()
        case let r as I2CSetSlaveForce:
            try select(file, r.address, force: true)
            return ()
        case let r as I2CReadWrite:
            return try transfer(r.messages)
        case is I2CGetFunctionality:
            return ops.functionality
        default:
            throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)")
        }
    }

    private func select(_ file: FileContext, _ address: UInt16, force: Bool) throws(FileError) {
        guard address <= 0x7f else { throw FileError(.EINVAL, "I2C_SLAVE 0x\(String(address, radix: 16)): not a 7-bit address") }
        if !force, clients.isUsed(address) {
            throw FileError(.EBUSY, "I2C_SLAVE 0x\(String(address, radix: 16)): used by a kernel driver")
        }
        file.privateData(as: I2CDevFile.self)?.address.withLock { $0 = address }
    }
}
