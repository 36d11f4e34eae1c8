import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

@Suite struct ScenarioHashTests {
    static func scenario(unbind: String = "gpio-sim.0") -> Scenario {
        Scenario("h", board: BoardSpec(gpioChips: [GpioChipSpec(name: "gpio-sim.0", numLines: 4)])) {
            ActorSpec("user") {
                StepSpec.open("gpiochip0").as("chip")
                StepSpec.ioctl("chip", .chipInfo).expect(returns: .map(["name": .string("gpiochip0"), "lines": .int(4)]))
            }
            ActorSpec("admin") { StepSpec.unbind(unbind) }
        }
    }

    @Test func equalContentGivesEqualHashes() {
        #expect(ScenarioHash.of(Self.scenario()) == ScenarioHash.of(Self.scenario()))
        #expect(ScenarioHash.of(Self.scenario()).count == 16)
    }

    @Test func sourceLocationsDoNotCount() {
        var s = Self.scenario()
        s.actors[0].steps[0].location = SourceLocation(line: 9, column: 3)
        #expect(ScenarioHash.of(s) == ScenarioHash.of(Self.scenario()))
    }

    @Test func anyChangeChangesTheHash() {
        let base = ScenarioHash.of(Self.scenario())
        #expect(ScenarioHash.of(Self.scenario(unbind: "gpio-sim.1")) != base)
        var s = Self.scenario()
        s.actors[0].steps[1].expect.errno = "OK"
        #expect(ScenarioHash.of(s) != base)
        s = Self.scenario()
        s.board.gpioChips[0].numLines = 5
        #expect(ScenarioHash.of(s) != base)
    }

    /// Pinned: a change here means every printed replay string stops replaying.
    @Test func theHashIsPinned() {
        #expect(ScenarioHash.of(text: "") == "cbf29ce484222325")
        #expect(ScenarioHash.of(text: "a") == "af63dc4c8601ec8c")
        // Changes when the scenario model changes (it did: board i2c_adapters, then spi_controllers,
        // watchdogs and misc_devices, then described drivers and bug references, then serial_ports,
        // mmc_hosts, netdevs, usb_gadgets, a watchdog's module, drm_devices and video_devices); old
        // replay strings are then refused.
        #expect(ScenarioHash.of(Self.scenario()) == "8f507eb6b3f9a387")
    }
}
