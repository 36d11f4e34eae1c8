import CharDev
import DriverCore
import Instrumentation
import SimHardware
import Subsystems
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// DRM's one SRCU domain against our per-device fence: the latency of `drm_dev_unplug` of
/// card0 while two threads keep entering `drm_dev_enter` sections of card1 (each ~1 ms of
/// work: a firmware poll, a slow register sequence). With `drm_unplug_srcu` the unplug waits
/// for card1's readers; with a fence per device it does not. Both in this one run.
enum DrmBench {
    static func run() -> BenchReport {
        var report = BenchReport(suite: "DRM unplug: one SRCU domain vs a fence per device")
        let shared = unplugLatency(.sharedSRCU)
        let own = unplugLatency(.perDevice)
        report.rows.append(BenchRow(name: "unplug card0, card1 busy, shared drm_unplug_srcu", value: shared.median,
                                    unit: "µs", min: shared.min))
        report.rows.append(BenchRow(name: "unplug card0, card1 busy, per-device fence", value: own.median,
                                    unit: "µs", min: own.min))
        report.ratios.append(("unplug latency, shared domain / per-device", shared.median / own.median,
                              shared.min / own.min, "> 1: the shared domain couples devices"))
        return report
    }

    /// Median and min over 30 unplugs of card0 (rebound after each), in microseconds.
    static func unplugLatency(_ design: DrmUnplugDesign) -> Sample {
        let kernel = Kernel()
        let bus = Bus(name: "platform")
        let dev = DevNamespace(kernel: kernel)
        let core = DrmCore(namespace: dev, design: design)
        let driver = SimHdmiDrmDriver(drm: core)
        do {
            try kernel.registerBus(bus)
            try kernel.registerDriver(driver, on: bus)
            for n in 0..<2 {
                try kernel.register(Device(kernel: kernel, name: "hdmi.\(n)", bus: bus, matchIDs: ["sim-hdmi"]) { _ in })
            }
        } catch {
            return Sample([.nan])
        }
        guard let card0 = kernel.device(named: "hdmi.0"), let card1 = core.devices.first(where: { $0.minor == 1 }) else {
            return Sample([.nan])
        }
        let stop = StopFlag()
        let readers = (0..<2).map { _ in
            Harness.spawn {
                while !stop.isSet {
                    _ = card1.enter { () -> Int in
                        let end = Harness.now() + 1_000_000
                        var spins = 0
                        while Harness.now() < end { spins += 1 }
                        return spins
                    }
                }
            }
        }
        var values: [Double] = []
        for _ in 0..<30 {
            guard let drm = core.devices.first(where: { $0.minor == 0 }) else { break }
            let start = Harness.now()
            core.unplug(drm)
            values.append(Double(Harness.now() - start) / 1_000)
            try? kernel.unbind(card0)
            try? kernel.bind(card0, to: SimHdmiDrmDriver.driverName)
        }
        stop.set()
        for r in readers { pthread_join(r, nil) }
        return Sample(values)
    }
}

/// Ends the reader loops. Relaxed: the flag only stops them, it publishes nothing.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
