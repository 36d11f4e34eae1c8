import DriverCore
import Foundation
import Testing

/// The README's Swift example, compiled and run as it is written: `example()` holds it
/// verbatim between the markers (public API only: this file imports DriverCore without
/// @testable), and the second test fails when the README's block and these lines differ.
@Suite struct ReadmeExampleTests {
    func example() throws {
        // README example begins
        let kernel = Kernel()
        let bus = Bus(name: "platform")
        try kernel.registerBus(bus)
        try kernel.registerDriver(ClosureDriver(name: "blinky", idTable: ["acme,led"]) { (dev: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                let regs = try dev.devres.alloc([UInt32](repeating: 0, count: 4))   // devm_kzalloc
                try dev.devres.addAction(ActionKey("clk_disable")) { /* … */ }      // devm_add_action
                try dev.setDriverData(regs)
            }
        }, on: bus)
        let led = Device(kernel: kernel, name: "led.0", bus: bus, matchIDs: ["acme,led"]) { _ in /* free the container */ }
        try kernel.register(led)      // probes: bound
        try led.get()                 // an open file's reference
        try kernel.unregister(led)    // hot-unplug: remove(), devres newest-first; the object lives on
        try led.put()                 // last reference: release runs, exactly once
        try led.get()                 // throws DriverCoreError.useAfterRelease, names the caller's line
        // README example ends
    }

    @Test func theExampleEndsWithAUseAfterRelease() {
        #expect {
            try example()
        } throws: { error in
            guard let e = error as? DriverCoreError, case .useAfterRelease = e else { return false }
            return true
        }
    }

    @Test func theReadmeShowsExactlyThisCode() throws {
        let here = URL(fileURLWithPath: #filePath)
        let readme = try String(contentsOf: here.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let block = try #require(readme.components(separatedBy: "```swift\n").dropFirst().first?
            .components(separatedBy: "```").first)
        let shown = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { $0 != "import DriverCore" }.drop { $0.isEmpty }.filter { !$0.isEmpty }
        let source = try String(contentsOf: here, encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(source.firstIndex { $0.hasSuffix("// README example begins") })
        let end = try #require(source.firstIndex { $0.hasSuffix("// README example ends") })
        let compiled = source[(start + 1)..<end].map { String($0.dropFirst(8)) }
        #expect(shown == compiled)
    }
}
