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
public final class Gpiolib: @unchecked Sendable {
    public let namespace: DevNamespace
    private let chips = Locked<[Int: GpioDevice]>([:])
    /// Numbers of removed chips whose object is still held (open files, descriptors).
    private let held = Locked<Set<Int>>([])

    public init(namespace: DevNamespace) { self.namespace = namespace }

    public var devices: [GpioDevice] { chips.withLock { c in c.keys.sorted().compactMap { c[$0] } } }
    public func device(named name: String) -> GpioDevice? { devices.first { $0.name == name } }

    /// `devm_gpiochip_add_data`: registers `chip` for the bound `provider`; removed
    /// automatically when the provider unbinds (devres), at its place in the release order.
    @discardableResult
    public func addChip(_ chip: any GpioChipOps, provider: borrowing BoundDevice,
                        fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> GpioDevice {
        let site = CallSite(fileID: fileID, line: line)
        let gdev = chips.withLock { c -> GpioDevice in
            // Read under the table's lock: removeChip reserves a number before it leaves the
            // table, so a number is always in one of the two.
            let taken = held.withLock { $0 }
            let number = (0...).first { c[$0] == nil && !taken.contains($0) }!
            let gdev = GpioDevice(number: number, lineCount: chip.lineCount)
            c[number] = gdev
            return gdev
        }
        do {
            // Everything wired before the node is published (brief P10).
            let number = gdev.number
            let cdev = try CharDevice.prepare(name: gdev.name, parent: provider.device, namespace: namespace,
                                              operations: GpioCdevOps(chip: chip, gdev: gdev), fileID: fileID, line: line,
                                              release: { [held] in held.withLock { _ = $0.remove(number) } })
            gdev.attach(cdev)
            gdev.irqHandler.withLock { $0 = chip }
            try cdev.publish(fileID: fileID, line: line)
        } catch {
            chips.withLock { $0[gdev.number] = nil }
            throw DriverCoreError.invalidArgument("gpiochip registration failed: \(error)", site: site)
        }
        try provider.devres.addActionOrReset(ActionKey("gpiochip_remove", data: gdev), fileID: fileID, line: line) { [self] in
            self.removeChip(gdev, site: site)
        }
        return gdev
    }

    /// `gpiochip_remove`: the chip is numbed (fence revoked: no caller reaches the driver any
    /// more), sleepers are woken, the node goes; the object lives while files or descriptors
    /// hold it.
    func removeChip(_ gdev: GpioDevice, site: CallSite) {
        if !gdev.requestedLines.isEmpty {
            namespace.kernel.events.emit(.warning, object: gdev.cdev.device.id, name: gdev.name,
                                         detail: "REMOVING GPIOCHIP WITH GPIOS STILL REQUESTED", site: site)
        }
        // Reserved before the chip leaves the table, so no registration can take the number in
        // between; the object's release (possibly during unregister below) frees it.
        held.withLock { _ = $0.insert(gdev.number) }
        chips.withLock { c in if c[gdev.number] === gdev { c[gdev.number] = nil } }
        gdev.irqHandler.withLock { $0 = nil }  // free_irq
        gdev.cdev.unregister(fileID: site.fileID, line: site.line)
    }

    /// `gpiod_get`: an in-kernel consumer's handle on one line of the chip named `chip`.
    public func getDescriptor(chip: String, offset: Int, consumer: String,
                              fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> GpioDescriptor {
        guard let gdev = device(named: chip) else { throw FileError(.ENOENT, "no GPIO chip \(chip)") }
        try gdev.lines.withLock { (l: inout [String?]) throws(FileError) in
            guard offset >= 0, offset < l.count else { throw FileError(.EINVAL, "\(chip) has no line \(offset)") }
            if let owner = l[offset] { throw FileError(.EBUSY, "\(chip) line \(offset) is used by \(owner)") }
            l[offset] = consumer
        }
        do {
            try gdev.cdev.device.get(fileID: fileID, line: line)
        } catch {
            gdev.lines.withLock { $0[offset] = nil }
            throw FileError.noDevice(chip)
        }
        return GpioDescriptor(gdev: gdev, offset: offset)
    }
}

/// An in-kernel consumer's line handle (`struct gpio_desc`): it holds a reference on the
/// ``GpioDevice``, never on the driver; after the provider is gone its calls return ENODEV
/// (brief P8, gpiolib since v6.9).
public final class GpioDescriptor: @unchecked Sendable {
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
