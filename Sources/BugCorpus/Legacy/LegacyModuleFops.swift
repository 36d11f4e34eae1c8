import CharDev
import DriverCore
import Instrumentation

/// A module's file operations without `.owner` (the bug the Rust miscdevice abstraction had,
/// "rust: miscdevice: fix use after free because missing .owner", Kari Argillander's 2026
/// series; C drivers were fixed the same way one by one): `chrdev_open`'s `fops_get()` pins
/// nothing, `delete_module` succeeds with the node open, and the file's next call runs code
/// the unload freed. `fixed: true` sets the owner. The kernel's file has no fence around
/// `f_op` (`Protection.legacyUnchecked`). Teaching material only.
final class LegacyOwnerlessOps: FileOperations {
    let module: Module
    let fixed: Bool
    init(module: Module, fixed: Bool) {
        self.module = module
        self.fixed = fixed
    }

    var owner: Module? { fixed ? module : nil }

    /// Every operation is the module's code.
    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        do { return try module.execute("misc read") { [42] } } catch { throw FileError(.EFAULT, "\(error)") }
    }

    func release(_ file: FileContext) { _ = try? module.execute("misc release") {} }
}
