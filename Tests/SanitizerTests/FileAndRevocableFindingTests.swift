import CharDev
import DriverCore
import Instrumentation
import Revocable
import Sanitizer
import Subsystems
import Testing

@Suite("file operations after close, revoke inside a read section")
struct FileAndRevocableFindingTests {
    @Test("an ioctl and a second close on a closed GPIO file are file-operation-after-close")
    func fileAfterClose() throws {
        let f = try GpioSanitizerFixture()
        let file = try f.dev.open("/dev/gpiochip0")
        let closed = #line + 1
        try file.close()
        let ioctl = #line + 1
        _ = try? file.ioctl(GpioGetChipInfo())
        let close = #line + 1
        _ = try? file.close()
        let found = f.sanitizer.findings.filter { $0.kind == .fileAfterClose }
        try #require(found.count == 2)
        #expect(isSite(found[0].access.site, line: ioctl))
        #expect(isSite(found[1].access.site, line: close))
        #expect(found[0].released.count == 1 && isSite(found[0].released[0].site, line: closed))
        try f.kernel.unregister(f.controller)
        #expect(f.sanitizer.finish().map(\.kind) == [.fileAfterClose, .fileAfterClose])
    }

    @Test("the close reported is the newest one of the same node, not a later close of another")
    func fileAfterCloseNamesTheCloseOfItsNode() throws {
        let f = try GpioSanitizerFixture()
        let chip = try f.dev.open("/dev/gpiochip0")
        let request = try chip.ioctl(GpioGetLineRequest(offsets: [0], consumer: "test"))
        let closed = #line + 1
        try chip.close()
        try request.close()  // newer, but of another node (the anonymous line file)
        _ = try? chip.ioctl(GpioGetChipInfo())
        let found = f.sanitizer.findings.filter { $0.kind == .fileAfterClose }
        try #require(found.count == 1)
        #expect(found[0].released.count == 1 && isSite(found[0].released[0].site, line: closed))
    }

    final class Chip: Sendable {}

    @Test("revoke from inside an access to the same revocable is revoke-inside-read-section")
    func revokeInsideAccess() throws {
        let f = try SanitizerFixture()
        let rev = Revocable(Chip(), name: "gpiochip0", events: f.kernel.events)
        let access = Locked(0)
        rev.withAccess { (_: Chip?) -> Void in
            access.withLock { $0 = #line + 1 }
            _ = try? rev.revoke(site: CallSite())  // explicit: the default names Revoke.swift
        }
        let found = f.findings(.revokeInsideAccess)
        try #require(found.count == 1)
        #expect(found[0].object == rev.id)
        #expect(isSite(found[0].access.site, line: access.withLock { $0 }))
        #expect(found[0].render().contains("BUG: DriverModel: revoke-inside-read-section in gpiochip0"))
        _ = try rev.revoke()
        #expect(f.findings(.revokeInsideAccess).count == 1, "a revoke outside the section is fine")
    }
}
