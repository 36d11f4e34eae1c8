import Foundation
import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// DRM's one SRCU domain against our per-device fence: a `drm_dev_enter` section of card1
/// stays open (a reader blocked inside it) while card0 is unplugged. With the kernel's
/// `drm_unplug_srcu` the unplug of card0 waits for card1's reader; with a fence per device it
/// does not. Decided by observable state (the grace period asleep on the domain, the unplug
/// returned), never by timing.
@Suite struct DrmIsolationTests {
    /// Opens a section on `drm` on a thread of its own and returns once the thread is inside;
    /// `release` lets it leave.
    static func holdSection(_ drm: DrmDevice) -> (release: DispatchSemaphore, done: DispatchSemaphore) {
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Thread {
            _ = drm.enter { inside.signal(); release.wait() }
            done.signal()
        }.start()
        inside.wait()
        return (release, done)
    }

    @Test("shared SRCU (the kernel's): unplugging card0 waits for a reader of card1")
    func sharedDomainCouplesDevices() throws {
        let f = try DrmFixture(count: 2, design: .sharedSRCU)
        let card1 = try #require(f.drm(1))
        let reader = Self.holdSection(card1)
        let unplugged = Locked(false)
        Thread {
            try? f.kernel.unbind(f.encoders[0])
            unplugged.withLock { $0 = true }
        }.start()
        // The grace period is asleep on the one domain, waiting for card1's reader.
        #expect(waitUntil { f.core.srcu.waitingGracePeriods == 1 })
        #expect(!unplugged.withLock { $0 })
        #expect(f.dev.contains("/dev/dri/card0"))   // drm_dev_unregister has not run yet
        reader.release.signal()
        reader.done.wait()
        #expect(waitUntil { unplugged.withLock { $0 } })
        #expect(f.core.srcu.gracePeriodsCompleted == 1)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("per-device fence (ours): unplugging card0 returns while card1's reader is inside")
    func perDeviceFenceIsolates() throws {
        let f = try DrmFixture(count: 2, design: .perDevice)
        let card1 = try #require(f.drm(1))
        let reader = Self.holdSection(card1)
        try f.kernel.unbind(f.encoders[0])          // on this thread: returns, or the test hangs
        #expect(!f.dev.contains("/dev/dri/card0"))
        #expect(f.core.srcu.gracePeriodsCompleted == 0)
        reader.release.signal()
        reader.done.wait()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("both designs: the unplugged device's own section is waited for, then enter fails", arguments: DrmUnplugDesign.allCases)
    func ownReaderIsWaitedFor(design: DrmUnplugDesign) throws {
        let f = try DrmFixture(count: 1, design: design)
        let card0 = try #require(f.drm(0))
        let reader = Self.holdSection(card0)
        let unplugged = Locked(false)
        Thread {
            try? f.kernel.unbind(f.encoders[0])
            unplugged.withLock { $0 = true }
        }.start()
        #expect(waitUntil { card0.isUnplugged })
        #expect(card0.enter { true } == nil)         // new sections are refused at once
        reader.release.signal()
        reader.done.wait()
        #expect(waitUntil { unplugged.withLock { $0 } })
        #expect(f.useAfterFree.isEmpty)
    }
}
