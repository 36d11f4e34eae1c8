import DriverCore
import Instrumentation

/// tpm before `ba0ef85` (drivers/char/tpm/, class P7; the same shape in iio `0d5b7da` and input
/// `4a215aa`, fixed for every cdev by `2f0157f` "char_dev: pin parent kobject"): the chip —
/// a struct device whose release frees `struct tpm_chip` — embedded its cdev, but the cdev
/// held no reference on the chip's device. An open `/dev/tpm0` kept the cdev alive and
/// nothing else; unregistering the chip dropped the device's last reference, the release
/// freed the chip with the cdev inside it, and the program's close then ran `cdev_put` on
/// freed memory. The fix (`pinParent: true`): the cdev's kobject takes a reference on its
/// parent (the chip's device) and drops it from its own release, so the chip outlives every
/// open file.
enum TpmCdevParent {
    /// Register the chip, add its cdev, open it, unregister the chip, close.
    static func run(pinParent: Bool, kernel: Kernel) throws {
        // kzalloc(tpm_chip) embedding the cdev (count 1: cdev_init); freed by the device's release.
        let chipMemory = ModelMemory(1, name: "tpm_chip (embeds cdev)", events: kernel.events)
        let chip = Device(kernel: kernel, name: "tpm0") { _ in try? chipMemory.free() }
        try kernel.add(chip)
        if pinParent { try chip.get() }  // cdev_add: kobject_get(parent)
        let cdev = EmbeddedCdev(container: chipMemory) {
            if pinParent { try? chip.put() }  // the cdev's release drops its parent
        }
        cdev.get()                       // open("/dev/tpm0")
        cdev.put()                       // tpm_chip_unregister: cdev_del
        try kernel.unregister(chip)      // device_unregister: the last reference, unless pinned
        cdev.put()                       // close: cdev_put
    }
}
