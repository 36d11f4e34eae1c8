import CharDev
import DriverCore
import Foundation
import Instrumentation
import Sanitizer
import SimHardware
import Subsystems

/// The sanitizer's cost on a realistic workload (issue 7: a run with it on at most 3× the
/// run with it off): the built-in board, then rounds of open → line request → get/set →
/// close on /dev/gpiochip0 and an unbind/rebind of the controller every 50 rounds.
enum SanitizerBench {
    static func run() -> BenchReport {
        var report = BenchReport(suite: "sanitizer (issue 7)")
        let off = workload(observer: nil)
        let sanitized = workload(observer: .sanitizer)
        report.rows.append(BenchRow(name: "board workload, nothing attached", value: off.median, unit: "ms", min: off.min))
        report.rows.append(BenchRow(name: "same, sanitizer attached", value: sanitized.median, unit: "ms", min: sanitized.min))
        report.ratios.append(("sanitizer on / off", sanitized.median / off.median, sanitized.min / off.min, "<= 3"))
        return report
    }

    enum Observer { case sanitizer }

    static func workload(observer: Observer?) -> Sample {
        var samples: [Double] = []
        for _ in 0..<5 {
            guard let board = try? SimBoard() else { return Sample([.nan]) }
            if observer != nil { _ = Sanitizer(attachingTo: board.kernel) }
            let start = Harness.now()
            try? board.populate()
            let controller = board.kernel.device(named: "gpio-sim.0")
            for round in 0..<500 {
                if round % 50 == 49, let controller {
                    try? board.kernel.unbind(controller)
                    try? board.kernel.bind(controller, to: "gpio-sim")
                }
                guard let chip = try? board.dev.open("/dev/gpiochip0") else { continue }
                if let req = try? chip.ioctl(GpioGetLineRequest(offsets: [0, 1], consumer: "bench", output: true)) {
                    try? req.ioctl(GpioLineSetValues([true, false]))
                    _ = try? req.ioctl(GpioLineGetValues())
                    try? req.close()
                }
                try? chip.close()
            }
            samples.append(Double(Harness.now() - start) / 1e6)
        }
        return Sample(samples)
    }
}
