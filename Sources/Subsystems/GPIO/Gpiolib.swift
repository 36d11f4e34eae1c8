import CharDev
import DriverCore
import Instrumentation

/// gpiolib: registers GPIO chips (each a ``GpioDevice`` with a `/dev/gpiochipN` node),
/// hands out descriptors to in-kernel consumers, and removes chips when providers unbind.
///
/// Chip numbers are allocated lowest-free, like the kernel's IDA, and a number is freed only
/// when its `GpioDevice` is released (gpiodev_release in drivers/gpio/gpiolib.c), not when
/// the chip is removed: a rebind gets the same `gpiochipN` back only if no file or descriptor
/// still holds the old object, and the next number otherwise (as Linux 6.12 does).
public final class Gpiolib: Sendable {
    public let namespace: DevNamespace
    /// `gpio_devices` and its lock, with the chip-number IDA.
    let registry: SubsystemRegistry<GpioDevice>

    public init(namespace: DevNamespace) {
        self.namespace = namespace
        // A number is freed when its gpio_device is released (gpiodev_release in
        // drivers/gpio/gpiolib.c), not at gpiochip_remove: with an old file still open, a
        // rebind gets the next number, as Linux 6.12 does (checked on a UML kernel).
        registry = SubsystemRegistry(kind: "gpio chip", freesNumberAtRemoval: false, events: namespace.kernel.events)
    }

    public var devices: [GpioDevice] { registry.objects }
    /// The chip named `name`, if registered. A snapshot: ``getDescriptor(chip:offset:consumer:fileID:line:)``
    /// is how a consumer takes a reference on one.
    public func device(named name: String) -> GpioDevice? { devices.first { $0.name == name } }

    /// `devm_gpiochip_add_data`: registers `chip` for the bound `provider`; removed
    /// automatically when the provider unbinds (devres), at its place in the release order.
    ///
    /// - Throws: `DriverCoreError.registrationFailed` with the
    ///   errno of what failed; nothing stays registered then.
    @discardableResult
    public func addChip(_ chip: any GpioChipOps, provider: borrowing BoundDevice,
                        fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> GpioDevice {
        let parent = provider.device
        return try registry.register(provider: provider, action: "gpiochip_remove", fileID: fileID, line: line,
                                     make: { [namespace, registry] (number) throws(FileError) in
            let gdev = GpioDevice(number: number, lineCount: chip.lineCount)
            // Everything wired before the node is published.
            let cdev = try CharDevice.prepare(name: gdev.name, parent: parent, namespace: namespace,
                                              operations: GpioCdevOps(chip: chip, gdev: gdev), fileID: fileID, line: line,
                                              release: { registry.freeNumber(number) })
            gdev.attach(cdev)
            gdev.irqHandler.withLock { $0 = chip }
            return (gdev, [cdev])
        }, remove: { [self] gdev in
            removeChip(gdev, site: CallSite(fileID: fileID, line: line))
        })
    }

    /// `gpiochip_remove`: the chip is numbed (fence revoked: no caller reaches the driver any
    /// more), sleepers are woken, the node goes; the object lives while files or descriptors
    /// hold it.
    func removeChip(_ gdev: GpioDevice, site: CallSite) {
        registry.remove(gdev, fileID: site.fileID, line: site.line) {
            if !gdev.requestedLines.isEmpty {
                namespace.kernel.events.emit(.warning, object: gdev.cdev.device.id, name: gdev.name,
                                             detail: "REMOVING GPIOCHIP WITH GPIOS STILL REQUESTED", site: site)
            }
            gdev.irqHandler.withLock { $0 = nil }  // free_irq
            gdev.cdev.unregister(fileID: site.fileID, line: site.line)
        }
    }

    /// `gpiod_get`: an in-kernel consumer's handle on one line of the chip named `chip`.
    ///
    /// The chip is found and referenced in one step under the `gpio_devices` lock (as
    /// `gpio_device_find` takes its `gpio_device_get` inside the list's SRCU section), so a
    /// racing `gpiochip_remove` cannot drop the last reference in between.
    ///
    /// - Throws: ENOENT (no such chip), EINVAL (no such line), EBUSY (line in use), ENODEV
    ///   (the chip is being removed).
    public func getDescriptor(chip: String, offset: Int, consumer: String,
                              fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> GpioDescriptor {
        let gdev = try registry.lookup(nil, where: { $0.name == chip }, fileID: fileID, line: line) {
            (gdev) throws(FileError) -> GpioDevice in
            try gdev.cdev.acquireReference(site: CallSite())
            return gdev
        }
        do {
            try gdev.lines.withLock { (l: inout [String?]) throws(FileError) in
                guard offset >= 0, offset < l.count else { throw FileError(.EINVAL, "\(chip) has no line \(offset)") }
                if let owner = l[offset] { throw FileError(.EBUSY, "\(chip) line \(offset) is used by \(owner)") }
                l[offset] = consumer
            }
        } catch {
            try? gdev.cdev.device.put(fileID: fileID, line: line)
            throw error
        }
        return GpioDescriptor(gdev: gdev, offset: offset)
    }
}

/// An in-kernel consumer's line handle (`struct gpio_desc`): it holds a reference on the
/// ``GpioDevice``, never on the driver; after the provider is gone its calls return ENODEV
/// (class P8; gpiolib since v6.9, `d83cee3d2bb1`).
public final class GpioDescriptor: Sendable {
    let gdev: GpioDevice
    public let offset: Int
    private let released = Locked(false)

    init(gdev: GpioDevice, offset: Int) {
        self.gdev = gdev
        self.offset = offset
    }

    public func getValue() throws(FileError) -> Bool {
        try withChip { (chip) throws(FileError) in try chip.getValue(offset) }
    }

    public func setValue(_ value: Bool) throws(FileError) {
        try withChip { (chip) throws(FileError) in try chip.setValue(offset, value) }
    }

    /// `gpiod_put`: drops the reference. A second put is EBADF.
    public func put(fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) {
        let first = released.withLock { r -> Bool in defer { r = true }; return !r }
        guard first else { throw FileError(.EBADF, "gpiod_put twice on \(gdev.name) line \(offset)") }
        gdev.lines.withLock { $0[offset] = nil }
        try? gdev.cdev.device.put(fileID: fileID, line: line)
    }

    private func withChip<R>(_ body: (any GpioChipOps) throws(FileError) -> R) throws(FileError) -> R {
        guard !released.withLock({ $0 }) else { throw FileError(.EBADF, "descriptor already put") }
        return try gdev.cdev.withOperations { (ops: (any FileOperations)?) throws(FileError) -> R in
            guard let ops = ops as? GpioCdevOps else { throw FileError.noDevice(gdev.name) }
            return try body(ops.chip)
        }
    }
}
