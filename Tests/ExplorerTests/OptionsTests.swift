import DriverCore
import Instrumentation
import Sanitizer
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// Kernel debug modes the explorer applies to every execution.
@Suite struct OptionsTests {
    /// A release callback that uses data the caller frees right after its put ("module
    /// unload" after the last put): fine while releases run inside put, a use after free once
    /// a release may run later — what CONFIG_DEBUG_KOBJECT_RELEASE exists to show.
    static let releaseAfterPut = ExplorationProgram.custom(name: "release-after-put", actors: ["unloader"]) {
        let kernel = Kernel()
        let sanitizer = Sanitizer(attachingTo: kernel)
        let data = ModelMemory(0, name: "module data", events: kernel.events)
        let device = Device(kernel: kernel, name: "obj") { _ in _ = try? data.read { $0 } }
        return CustomExecution(actors: [{ try? device.put(); try? data.free() }], check: {
            BrokenCoreExplorerTests.verdict(sanitizer)
        })
    }

    @Test(arguments: BrokenCdevExplorerTests.strategies)
    func delayedReleasesFindCodeThatAssumesTheReleaseRanInPut(_ strategy: ExplorationStrategy) throws {
        let plain = Explorer(program: Self.releaseAfterPut).explore(strategy: strategy)
        #expect(plain.executions == 1)
        #expect(plain.failures.isEmpty)

        var explorer = Explorer(program: Self.releaseAfterPut)
        explorer.options.delayReleases = true
        let r = explorer.explore(strategy: strategy)
        #expect(r.executions == 2)
        let failure = try #require(r.failures.first)
        #expect(failure.reasons == ["sanitizer: use-after-free"])
        #expect(failure.replay.contains(",delay-release:"))
        #expect(failure.reproduced)
        // The string carries the option: a plain explorer replays it the same way.
        #expect(try Explorer(program: Self.releaseAfterPut).replay(failure.replay).verdict.failures == failure.reasons)
    }

    /// With test-driver-remove, the board's probe is followed by a remove and a second probe
    /// before any actor runs.
    @Test func testDriverRemoveProbesTwice() throws {
        let s = try GpioScenarios.parse("tdr", """
            actors:
              user:
                - open: /dev/gpiochip0
                  as: chip
                - ioctl: {file: chip, request: chip_info}
                  expect: {errno: OK}
            expect:
              findings: 0
              events:
                - driver.remove gpio-sim.0
                - probe.start gpio-sim.0
            """)
        let plain = Explorer(scenario: s).explore()
        #expect(!plain.passed)
        var explorer = Explorer(scenario: s)
        explorer.options.testDriverRemove = true
        let r = explorer.explore()
        #expect(r.passed, "\(r.report)")
    }
}
