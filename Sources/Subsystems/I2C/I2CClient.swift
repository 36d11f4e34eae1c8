import CharDev
import DriverCore
import Instrumentation

/// An in-kernel consumer's handle on one device of an adapter (`struct i2c_client`), held by
/// another driver.
///
/// Guarantees: it references the ``I2CAdapter`` object, never the adapter's driver; every
/// transfer runs entirely inside the adapter's fence (check and use are one critical section,
/// class P3 of Docs/bug-classes.md), so after the provider's unbind finished each call returns ENODEV and none reaches
/// the driver. Cost per call: one fence access plus the bus lock. May block: on the bus lock,
/// while another transfer on the same adapter runs. Thread-safe.
public final class I2CClient: Sendable, CustomStringConvertible {
    public let adapter: I2CAdapter
    public let address: UInt16
    public let name: String
    private let released = Locked(false)

    init(adapter: I2CAdapter, address: UInt16, name: String) {
        self.adapter = adapter
        self.address = address
        self.name = name
    }

    public var description: String { "\(name)@\(adapter.name):0x\(String(address, radix: 16))" }

    /// `i2c_transfer` with messages to any addresses: the reply has read data filled in.
    /// ENODEV after the adapter's provider is gone; EBADF after ``put(fileID:line:)``.
    public func transfer(_ messages: [I2CMessage]) throws(FileError) -> [I2CMessage] {
        guard !released.withLock({ $0 }) else { throw FileError(.EBADF, "\(self): client already put") }
        return try adapter.cdev.withOperations { (ops: (any FileOperations)?) throws(FileError) -> [I2CMessage] in
            guard let binding = ops as? I2CAdapterBinding else { throw FileError.noDevice("\(self)") }
            return try binding.transfer(messages)
        }
    }

    /// `i2c_master_recv`: reads `count` bytes from the client's address.
    public func read(count: Int) throws(FileError) -> [UInt8] {
        try transfer([.read(address, count: count)]).first?.data ?? []
    }

    /// `i2c_master_send`: writes `bytes` to the client's address.
    public func write(_ bytes: [UInt8]) throws(FileError) {
        _ = try transfer([.write(address, bytes)])
    }

    /// A combined write-then-read (register read: write the register number, repeated START,
    /// read `count` bytes).
    public func writeThenRead(_ bytes: [UInt8], count: Int) throws(FileError) -> [UInt8] {
        try transfer([.write(address, bytes), .read(address, count: count)]).last?.data ?? []
    }

    /// `i2c_unregister_device`: frees the address and drops the reference on the adapter
    /// object. Safe after the adapter is gone; a second put is EBADF. Never blocks.
    public func put(fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) {
        let first = released.withLock { r -> Bool in defer { r = true }; return !r }
        guard first else { throw FileError(.EBADF, "\(self): put twice") }
        adapter.clients.release(address)
        try? adapter.cdev.device.put(fileID: fileID, line: line)
    }
}
