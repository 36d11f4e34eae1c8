import CharDev
import DriverCore
import Foundation
import Instrumentation
import Revocable
import SimHardware
import Subsystems

/// drivers/base/revocable_test.c (as merged in `62eb557580eb` and as in the v10/v11 series) and
/// tools/testing/selftests/gpio/gpio-cdev-uaf (`c7f92042d3f3`), plus the i2c-dev form of the latter.
enum RevocableAndCdevSuites {
    final class Res: Sendable { let value = 42 }

    static let cases: [ConformanceCase] = [
        ConformanceCase(suite: "revocable", name: "basic") {
            let r = Revocable(Res())
            try check(r.withAccess { $0?.value } == 42, "no resource before revoke")
        },
        ConformanceCase(suite: "revocable", name: "revocation") {
            let r = Revocable(Res())
            try check(try r.revoke() == .revoked, "first revoke did not revoke")
            try check(r.withAccess { $0 } == nil, "resource visible after revoke")
            try check(try r.revoke() == .alreadyRevoked, "second revoke not idempotent")
        },
        ConformanceCase(suite: "revocable", name: "try_access_macro helpers") {
            let r = Revocable(Res())
            try check((try? r.withAccessOrENODEV { $0.value }) == 42, "or_return before revoke")
            _ = try r.revoke()
            try checkThrows("or_return after revoke did not fail") { _ = try r.withAccessOrENODEV { $0.value } }
            try check(r.ifAvailable { $0.value } == nil, "or_skip ran its body after revoke")
        },
        ConformanceCase(suite: "revocable", name: "concurrent_access: a reader inside blocks revoke") {
            let r = Revocable(Res())
            let inside = DispatchSemaphore(value: 0), leave = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
            Thread { r.withAccess { _ in inside.signal(); leave.wait() } }.start()
            inside.wait()
            Thread { _ = try? r.revoke(); done.signal() }.start()
            let returnedEarly = done.wait(timeout: .now() + .milliseconds(50)) == .success
            leave.signal()
            done.wait()
            try check(!returnedEarly, "revoke returned while a reader was inside")
            try check(r.withAccess { $0 } == nil, "resource visible after revoke")
        },
        ConformanceCase(suite: "gpio-cdev-uaf", name: "chip fd: poll HUP|ERR, read ENODEV, ioctl ENODEV") {
            let board = try SimBoard()
            try board.populate()
            let file = try board.dev.open("/dev/gpiochip0")
            try board.kernel.unbind(try device(board, "gpio-sim.0"))
            try check(file.poll([.in]) == [.hup, .err], "poll gave \(file.poll([.in]))")
            try check(errno { () throws(FileError) in _ = try file.read() } == .ENODEV, "read did not give ENODEV")
            try check(errno { () throws(FileError) in _ = try file.ioctl(GpioGetChipInfo()) } == .ENODEV, "ioctl did not give ENODEV")
            try file.close()
        },
        ConformanceCase(suite: "gpio-cdev-uaf", name: "line request fd: read ENODEV, poll HUP|ERR, ioctl ENODEV") {
            let board = try SimBoard()
            try board.populate()
            let chip = try board.dev.open("/dev/gpiochip0")
            let req = try chip.ioctl(GpioGetLineRequest(offsets: [3], consumer: "uaf", edgeDetection: true))
            try board.kernel.unbind(try device(board, "gpio-sim.0"))
            try check(errno { () throws(FileError) in _ = try req.read() } == .ENODEV, "read did not give ENODEV")
            try check(req.poll([.in]) == [.hup, .err], "poll did not give HUP|ERR")
            try check(errno { () throws(FileError) in _ = try req.ioctl(GpioLineGetValues()) } == .ENODEV, "ioctl did not give ENODEV")
            try req.close()
            try chip.close()
        },
        ConformanceCase(suite: "i2c-dev-uaf", name: "adapter deletion with /dev/i2c-0 open does not wait; ENODEV after") {
            let board = try SimBoard()
            try board.populate()
            let file = try board.dev.open("/dev/i2c-0")
            let unbound = DispatchSemaphore(value: 0)
            let controller = try device(board, "i2c-sim.0")
            Thread { try? board.kernel.unbind(controller); unbound.signal() }.start()
            try check(unbound.wait(timeout: .now() + .seconds(5)) == .success, "unbind waited for the open file")
            try check(errno { () throws(FileError) in try file.ioctl(I2CSetSlave(0x50)) } == .ENODEV, "ioctl did not give ENODEV")
            try file.close()
        },
    ]

    static func device(_ board: SimBoard, _ name: String) throws -> Device {
        guard let d = board.kernel.device(named: name) else {
            throw ConformanceFailure(message: "the board has no \(name)", site: CallSite())
        }
        return d
    }

    /// The errno a file call failed with, or nil when it succeeded.
    static func errno(_ body: () throws(FileError) -> Void) -> Errno? {
        do { try body() } catch { return error.errno }
        return nil
    }
}

/// Every conformance case, in suite order.
public enum ConformanceSuites {
    public static let all: [ConformanceCase] = DriverCoreSuites.cases + RevocableAndCdevSuites.cases + MediaSuites.cases
        + TTYSuites.cases + MMCSuites.cases
        + NetSuites.cases + GadgetSuites.cases
}
