import DriverCore
import Foundation

// `swift run -c release devmodel-bench [core] [--json]`
let arguments = CommandLine.arguments.dropFirst()
let json = arguments.contains("--json")
let suites = arguments.filter { !$0.hasPrefix("--") }
if suites.contains("profile-devres") {
    // A fixed workload for callgrind: devres add+release only.
    let kernel = DriverCore.Kernel()
    let device = DriverCore.Device(kernel: kernel, name: "p", release: { _ in })
    for _ in 0..<1000 {
        for _ in 0..<100 { try! device.devres.addAction(DriverCore.ActionKey("bench")) {} }
        kernel.benchmarkReleaseAll(device)
    }
}
if suites.isEmpty || suites.contains("core") {
    let figures = CoreBench.run()
    if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try! encoder.encode(["core": figures]), as: UTF8.self))
    } else {
        CoreBench.print(figures)
    }
}
