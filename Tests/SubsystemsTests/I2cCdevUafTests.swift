import Testing
import Foundation
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// The gpio-cdev-uaf cases (tools/testing/selftests/gpio/gpio-cdev-uaf) for i2c-dev: open `/dev/i2c-0`, unbind the adapter's
/// provider, keep using the dangling file.
@Suite("i2c-dev-uaf") struct I2cCdevUafTests {
    @Test("i2c-dev works: I2C_SLAVE, write, read, I2C_RDWR, I2C_FUNCS")
    func uapiWorks() throws {
        let f = try I2cFixture()
        let file = try f.dev.open("/dev/i2c-0")
        try file.ioctl(I2CSetSlave(0x50))
        #expect(try file.write([2, 7, 8, 9]) == 4)
        #expect(try file.write([2]) == 1)
        #expect(try file.read(maxBytes: 3) == [7, 8, 9])
        let reply = try file.ioctl(I2CReadWrite([.write(0x50, [3]), .read(0x50, count: 2)]))
        #expect(reply.last?.data == [8, 9])
        #expect(try file.ioctl(I2CGetFunctionality()).contains(.i2c))
        try file.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("open → unbind: ioctl/read/write ENODEV, poll HUP|ERR, close safe")
    func fileAfterUnbind() throws {
        let f = try I2cFixture()
        let file = try f.dev.open("i2c-0")
        try file.ioctl(I2CSetSlave(0x50))
        try f.kernel.unbind(f.controller)
        #expect(!f.dev.contains("/dev/i2c-0"))
        #expect(f.adapter == nil)
        #expect(file.poll([.in, .out]) == [.hup, .err])
        #expect(throws: FileError(.ENODEV, "")) { try file.read(maxBytes: 1) }
        #expect(throws: FileError(.ENODEV, "")) { try file.write([0]) }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(I2CReadWrite([.read(0x50, count: 1)])) }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(I2CGetFunctionality()) }
        #expect(throws: FileError(.ENOENT, "")) { try f.dev.open("i2c-0") }  // the node is gone
        try file.close()
        #expect(f.useAfterFree.isEmpty)
    }

    /// Class P5 (drivers/i2c/i2c-core-base.c): the kernel's i2c_del_adapter() blocks in
    /// wait_for_completion(&adap->dev_released) while /dev/i2c-N is open. Ours returns.
    @Test("deleting an adapter does not wait for user space to close /dev/i2c-N")
    func unbindDoesNotWaitForOpenFile() throws {
        let f = try I2cFixture()
        let held = try f.dev.open("/dev/i2c-0")
        let alsoHeld = try f.dev.open("/dev/i2c-0")
        guard let adapter = f.adapter else { Issue.record("no adapter"); return }
        let done = DispatchSemaphore(value: 0)
        let unbinder = Thread {
            try? f.kernel.unbind(f.controller)
            done.signal()
        }
        unbinder.start()
        // Nothing here closes the files before the unbind returns, so an unbind that waited
        // for them would never return: the timeout is a hang guard, not a speed limit.
        let returnedWhileOpen = done.wait(timeout: .now() + 60) == .success
        #expect(returnedWhileOpen, "unbind blocked on an open /dev/i2c-0 (i2c_del_adapter's wait)")
        #expect(!held.isClosed && !alsoHeld.isClosed)
        #expect(f.controller.state != .bound)
        #expect(!adapter.isReleased)  // the files still hold the object
        #expect(throws: FileError(.ENODEV, "")) { try held.ioctl(I2CSetSlave(0x50)) }
        try held.close()
        #expect(!adapter.isReleased)
        try alsoHeld.close()
        #expect(adapter.isReleased)
        #expect(f.releases(of: "i2c-0") == 1)
        #expect(throws: FileError(.EBADF, "")) { try alsoHeld.close() }
        #expect(alsoHeld.poll() == .nval)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("hot-unplug of the controller removes the subtree while files are open")
    func unplugSubtree() throws {
        let f = try I2cFixture()
        let file = try f.dev.open("i2c-0")
        try f.kernel.unregister(f.controller)
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(I2CGetFunctionality()) }
        #expect(f.controller.state == .deleted)  // pinned: i2c-0 is its child
        try file.close()
        #expect(f.controller.state == .released)
        #expect(f.releases(of: "i2c-0") == 1)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("rebind: a new i2c-0 whose handles work, old handles stay dead")
    func rebind() throws {
        let f = try I2cFixture()
        let old = try f.dev.open("i2c-0")
        try old.ioctl(I2CSetSlave(0x50))
        try f.kernel.unbind(f.controller)
        try f.kernel.bind(f.controller, to: "sim-i2c")
        let new = try f.dev.open("i2c-0")
        try new.ioctl(I2CSetSlave(0x50))
        #expect(try new.read(maxBytes: 2) == [0, 0])  // fresh devres memory
        #expect(throws: FileError(.ENODEV, "")) { try old.read(maxBytes: 2) }
        #expect(old.characterDevice !== new.characterDevice)
        try old.close(); try new.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("wrong input: bad address EINVAL, no I2C_SLAVE EINVAL, no ACK ENXIO, busy address EBUSY")
    func wrongInput() throws {
        let f = try I2cFixture()
        let file = try f.dev.open("i2c-0")
        #expect(throws: FileError(.EINVAL, "")) { try file.read(maxBytes: 1) }
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(I2CSetSlave(0x80)) }
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(I2CReadWrite([])) }
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(I2CReadWrite([.read(0x50, count: 8193)])) }
        #expect(throws: FileError(.ENXIO, "")) { try file.ioctl(I2CReadWrite([.read(0x51, count: 1)])) }
        let client = try f.i2c.newClient(adapter: 0, address: 0x50, name: "eeprom")
        #expect(throws: FileError(.EBUSY, "")) { try file.ioctl(I2CSetSlave(0x50)) }
        try file.ioctl(I2CSetSlaveForce(0x50))
        #expect(throws: FileError(.EBUSY, "")) { try f.i2c.newClient(adapter: 0, address: 0x50, name: "again") }
        #expect(throws: FileError(.ENOENT, "")) { try f.i2c.newClient(adapter: 7, address: 0x50, name: "nowhere") }
        try client.put()
        try file.ioctl(I2CSetSlave(0x50))
        try file.close()
    }
}
