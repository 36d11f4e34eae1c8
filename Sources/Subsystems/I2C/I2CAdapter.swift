import CharDev
import DriverCore
import Instrumentation

/// The subsystem-owned, refcounted adapter object behind `/dev/i2c-N` and every
/// ``I2CClient``: the `struct device` + cdev, the client address table, the bus lock.
///
/// This is the decoupling that drivers/i2c/i2c-core-base.c asks for in its FIXME above
/// `wait_for_completion(&adap->dev_released)` in `i2c_del_adapter()`: the kernel's
/// `struct i2c_adapter` is driver memory, so deleting it must wait until the last reference
/// (an open i2c-dev file) is gone (drivers/i2c/i2c-core-base.c, class P5). Here the driver owns only ``I2CAdapterOps``
/// behind the fence; this object is freed by its own release, at the last close or put, so
/// deleting an adapter never waits for user space.
public final class I2CAdapter: Sendable, CustomStringConvertible {
    /// The bus number (`adap->nr`), lowest free at registration.
    public let number: Int
    /// The character device: its `device` is the adapter's refcounted device.
    public let cdev: CharDevice
    let clients: I2CClientTable

    init(number: Int, cdev: CharDevice, clients: I2CClientTable) {
        self.number = number
        self.cdev = cdev
        self.clients = clients
    }

    /// `i2c-N`, the device and node name.
    public var name: String { "i2c-\(number)" }
    public var description: String { name }
    /// False once the provider unbound (the fence is revoked; calls get ENODEV).
    public var isAlive: Bool { cdev.isAlive }
    /// True once the object itself was released (after removal and the last close/put).
    public var isReleased: Bool { cdev.isReleased }
    /// Addresses of in-kernel clients currently instantiated on this adapter.
    public var clientAddresses: [UInt16] { clients.addresses }
}

/// The addresses used by in-kernel clients on one adapter (object lifetime: the table belongs
/// to the adapter object, never to the driver).
final class I2CClientTable: Sendable {
    private let table = Locked<[UInt16: String]>([:])

    var addresses: [UInt16] { table.withLock { $0.keys.sorted() } }

    func isUsed(_ address: UInt16) -> Bool { table.withLock { $0[address] != nil } }

    func claim(_ address: UInt16, by name: String) throws(FileError) {
        try table.withLock { (t: inout [UInt16: String]) throws(FileError) in
            if let owner = t[address] { throw FileError(.EBUSY, "address 0x\(String(address, radix: 16)) is used by \(owner)") }
            t[address] = name
        }
    }

    func release(_ address: UInt16) { table.withLock { $0[address] = nil } }
}
