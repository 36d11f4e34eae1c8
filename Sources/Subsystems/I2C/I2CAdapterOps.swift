import CharDev
import DriverCore
import Instrumentation

/// What an I2C bus driver provides (the bound-scope part: `struct i2c_algorithm` and the
/// driver's private data behind it).
///
/// The core calls these **only inside the adapter's revocation fence** and with the adapter's
/// bus lock held (one transfer at a time per adapter, as `__i2c_transfer` runs under
/// `i2c_lock_bus` in drivers/i2c/i2c-core-base.c). So an implementation may keep its state in
/// devres memory: once the provider's unbind has revoked the fence nothing calls it again.
public protocol I2CAdapterOps: AnyObject, Sendable {
    /// The adapter's name (`adap->name`), e.g. "sim-i2c".
    var name: String { get }
    /// `algo->functionality`.
    var functionality: I2CFunctionality { get }
    /// `algo->master_xfer`: performs `messages` in order (repeated START between them) and
    /// returns them with every read message's `data` filled in. A device that does not ACK
    /// its address fails the transfer with ENXIO (Documentation/i2c/fault-codes.rst).
    func masterTransfer(_ messages: [I2CMessage]) throws(FileError) -> [I2CMessage]
}
