import Testing
@testable import ScenarioExecution
@testable import ScenarioModel

/// softdog built as a module: what pins it and what its unload does (drivers/watchdog/
/// softdog.c, watchdog_dev.c). A test here fails if an open file or a running timer stops
/// pinning the module, or if the exit stops unregistering the watchdog.
@Suite struct WatchdogModuleTests {
    static let board = BoardSpec(watchdogs: [WatchdogSpec(name: "wdt.0", module: true)])

    static func run(_ s: Scenario) -> RunResult {
        #expect(ScenarioValidator.validate(s).isEmpty)
        return ScenarioRunner.run(s)
    }

    /// Closing without the magic 'V' leaves the timer running ("watchdog did not stop!"),
    /// and softdog's timer holds its own module reference: the unload stays refused after
    /// the close, exactly as with the file open.
    @Test func aRunningTimerPinsTheModuleAfterTheClose() {
        let r = Self.run(Scenario("wdt-module-unclean-close", board: Self.board) {
            ActorSpec("d") {
                StepSpec.open("/dev/watchdog0").as("w")
                StepSpec(.deleteModule(name: "softdog")).expect(errno: "EAGAIN")
                StepSpec.close("w")
                StepSpec(.deleteModule(name: "softdog")).expect(errno: "EAGAIN")
                StepSpec.open("/dev/watchdog0").as("again")
                StepSpec.write("again", "V")
                StepSpec.close("again")
                StepSpec(.deleteModule(name: "softdog")).expect(errno: "OK")
            }
        })
        #expect(r.expectations.filter { !$0.passed }.isEmpty, "\(r.expectations.filter { !$0.passed })")
        #expect(r.events.contains { $0.kind == "warning" && $0.detail == "watchdog did not stop!" })
    }

    /// The unload's exit unregisters the driver: the watchdog goes with its nodes, and an
    /// open after it finds none.
    @Test func theExitUnregistersTheWatchdog() {
        let r = Self.run(Scenario("wdt-module-unload", board: Self.board) {
            ActorSpec("d") {
                StepSpec(.deleteModule(name: "softdog")).expect(errno: "OK")
                StepSpec.open("/dev/watchdog0").expect(errno: "ENOENT")
                StepSpec.open("/dev/watchdog").expect(errno: "ENOENT")
                StepSpec(.deleteModule(name: "softdog")).expect(errno: "ENOENT")
            }
        })
        #expect(r.expectations.filter { !$0.passed }.isEmpty, "\(r.expectations.filter { !$0.passed })")
    }
}
