import DriverCore
import Instrumentation

/// vub300's probe after its devm conversion (drivers/mmc/host/vub300.c, class P1; only the fix's subject, "mmc:
/// vub300: fix use-after-free on probe failure", was read — the shape below is the one that
/// subject names: a probe error path freeing memory still referenced). Probe allocates the
/// host state as devres memory, then arms a command timer (an URB completion) that holds the
/// host and touches the state; when a later probe step fails, the failed probe's devres
/// release frees the state while the timer is still armed, and when it fires it uses the
/// freed state. The fix (`legacy: false`): the state belongs to the host (freed at its last
/// put, like `mmc_alloc_host`'s private area) and the error path unwinds in order — cancel
/// the timer, then drop the host.
final class Vub300ProbeDriver: DeviceDriver {
    let name: String
    let idTable = ["usb-if:vub300"]
    let legacy: Bool
    /// The armed timer: it holds a host reference until it fires or is cancelled.
    private let timer = Locked<(fire: @Sendable () -> Void, cancel: @Sendable () -> Void)?>(nil)

    init(legacy: Bool) {
        self.legacy = legacy
        name = legacy ? "legacy-vub300" : "vub300"
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let kernel = device.device.kernel
        let (legacy, timer) = (self.legacy, self.timer)
        let host = Device(kernel: kernel, name: "mmc-host-\(device.device.name)") { _ in }  // mmc_alloc_host
        do {
            let state: ModelMemory<Int> = legacy
                ? try device.devres.alloc(0, name: "devm_kzalloc(vub300)")
                : try host.objectResources.alloc(0, name: "vub300 host private")
            try device.step("usb_alloc_urb")
            try host.get()  // the timer's reference
            timer.withLock {
                $0 = (fire: { _ = try? state.write { $0 += 1 }; try? host.put() },
                      cancel: { try? host.put() })
            }
            try device.step("mmc_add_host")
            try device.devres.addAction(ActionKey("mmc_free_host", data: host)) { try? host.put() }
        } catch {
            // The probe's error path.
            if !legacy { takeTimer()?.cancel() }  // del_timer_sync / usb_kill_urb first
            try? host.put()                       // mmc_free_host
            if let error = error as? ProbeError { throw error }
            if let error = error as? DriverCoreError { throw .failed(error.errno, error.message) }
            throw .failed(.EIO, "\(error)")
        }
    }

    /// The armed timer fires (after a failed probe, in the bug).
    func fireTimer() { takeTimer()?.fire() }

    private func takeTimer() -> (fire: @Sendable () -> Void, cancel: @Sendable () -> Void)? {
        timer.withLock { t in
            defer { t = nil }
            return t
        }
    }
}
