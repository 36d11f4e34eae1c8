import CharDev
import DriverCore
import Foundation
import Instrumentation
import Sanitizer
import SanitizerTesting
import Subsystems
import Testing

@Suite("the real designs under real threads give zero findings")
struct ConcurrentDesignTests {
    @Test("GPIO: two openers racing with unbind/rebind, then full teardown")
    func gpioRace() throws {
        let f = try GpioSanitizerFixture()
        let done = Locked(false)
        let calls = Locked(0)
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread {
                while !done.withLock({ $0 }) {
                    guard let file = try? f.dev.open("/dev/gpiochip0") else { continue }
                    _ = try? file.ioctl(GpioGetChipInfo())
                    _ = file.poll([.in])
                    try? file.close()
                    calls.withLock { $0 += 1 }
                }
                group.leave()
            }.start()
        }
        for _ in 0..<20 {
            // Let the openers really run against the bound device before each unbind.
            let before = calls.withLock { $0 }
            let deadline = Date().addingTimeInterval(60)  // a hang guard: the openers always progress
            while calls.withLock({ $0 }) < before + 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.0002) }
            try f.kernel.unbind(f.controller)
            try f.kernel.bind(f.controller, to: "test-gpio")
        }
        done.withLock { $0 = true }
        group.wait()
        try f.kernel.unregister(f.controller)
        #expect(calls.withLock { $0 } >= 40)
        f.sanitizer.expectNoFindings()
    }
}
