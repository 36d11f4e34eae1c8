import Testing
@testable import ScenarioExecution
@testable import ScenarioModel
@testable import ScenarioReports

/// The runner reports what happened: failing expectations fail, hangs are findings, and the
/// builder form runs like a file.
@Suite struct RunnerTests {
    static let chip = BoardSpec(gpioChips: [GpioChipSpec(name: "gpio-sim.0", numLines: 8)])

    static func blockedReader(readExpect errno: String, blocks: Bool) -> Scenario {
        Scenario("blocked reader", board: chip) {
            ActorSpec("reader") {
                StepSpec.open("gpiochip0").as("chip")
                StepSpec.requestLines("chip", offsets: [3], edges: true).as("req")
                StepSpec.read("req").label("blocked").expect(errno: errno, blocks: blocks)
                StepSpec.close("req")
                StepSpec.close("chip")
            }
            ActorSpec("admin") {
                StepSpec.wait(actor: "reader", blockedIn: "blocked")
                StepSpec.unbind("gpio-sim.0").label("unbind")
            }
        }
    }

    @Test func builderScenarioValidatesAndRunsGreen() {
        let s = Self.blockedReader(readExpect: "ENODEV", blocks: true)
        #expect(ScenarioValidator.validate(s).isEmpty)
        let r = ScenarioRunner.run(s)
        #expect(r.ok, "\(ReportText.render(r))")
        // read errno, read blocks, the admin's wait, no_hang, findings: 0.
        #expect(r.passed == 5)
    }

    @Test func wrongErrnoIsReportedAsFailed() {
        let r = ScenarioRunner.run(Self.blockedReader(readExpect: "EAGAIN", blocks: true))
        let failed = r.expectations.filter { !$0.passed }
        #expect(!r.ok)
        #expect(failed.map(\.name) == ["reader[blocked] errno EAGAIN"])
        #expect(failed.first?.detail.hasPrefix("got ENODEV") == true)
    }

    @Test func wrongBlocksIsReportedAsFailed() {
        let r = ScenarioRunner.run(Self.blockedReader(readExpect: "ENODEV", blocks: false))
        #expect(r.expectations.filter { !$0.passed }.map(\.name) == ["reader[blocked] blocks false"])
    }

    @Test func wrongReturnsAndReventsAreReportedAsFailed() {
        let s = Scenario("values", board: Self.chip) {
            ActorSpec("user") {
                StepSpec.open("gpiochip0").as("chip")
                StepSpec.ioctl("chip", .chipInfo).expect(returns: .map(["lines": .int(9)]))
                StepSpec.poll("chip").expect(revents: ["POLLIN"])
                StepSpec.close("chip")
            }
        }
        let r = ScenarioRunner.run(s)
        #expect(r.expectations.filter { !$0.passed }.map(\.detail) == ["got {label: \"gpio-sim.0\", lines: 8, name: \"gpiochip0\"}", "got 0"])
    }

    @Test func missingReleaseAndEventOrderAreReportedAsFailed() {
        var s = Scenario("leak", board: Self.chip) {
            ActorSpec("user") {
                StepSpec.open("gpiochip0").as("chip")
                StepSpec.unbind("gpio-sim.0")
                // never closes: the chip object must stay alive
            }
        }
        s.expect.released = ["gpiochip0"]
        s.expect.events = [EventPattern(text: "driver.unbind gpio-sim.0"), EventPattern(text: "file.open gpiochip0")]
        let r = ScenarioRunner.run(s)
        let failed = r.expectations.filter { !$0.passed }
        #expect(failed.map(\.name) == ["released gpiochip0", "events in order (2)"])
    }

    @Test func aHangIsAFindingFoundByTheWatchdog() throws {
        // The admin waits for a reader that never blocks in the labelled step within the run.
        let s = Scenario("hang", board: Self.chip, timeoutNanoseconds: 50_000_000) {
            ActorSpec("reader") {
                StepSpec.sleep(nanoseconds: 10_000_000_000).label("slow")
            }
            ActorSpec("admin") {
                StepSpec.wait(actor: "reader", blockedIn: "slow")
            }
        }
        let r = ScenarioRunner.run(s)
        // The watchdog cut the 10 s sleep short instead of waiting for it (a property of the
        // run, not of how fast this machine is: a sleep that ran out would have lasted 10 s).
        let slow = try #require(r.steps.first { $0.label == "slow" })
        #expect(slow.endNanoseconds.map { $0 - slow.startNanoseconds < 10_000_000_000 } == true, "\(slow)")
        #expect(r.findings.contains { $0.kind == .hang && $0.object == "reader" })
        #expect(r.expectations.first { $0.name == "no_hang" }?.passed == false)
        #expect(r.expectations.first { $0.name == "findings: 0" }?.passed == false)
    }

    @Test func aReaderBlockedForeverInTheKernelIsAHang() {
        // The deadline is the only way a hang shows; 1 s leaves a loaded machine room to reach
        // the read first (50 ms did not, at a load average of 25).
        let s = Scenario("kernel hang", board: Self.chip, timeoutNanoseconds: 1_000_000_000) {
            ActorSpec("reader") {
                StepSpec.open("gpiochip0").as("chip")
                StepSpec.requestLines("chip", offsets: [1], edges: true).as("req")
                StepSpec.read("req").label("forever")
            }
        }
        let r = ScenarioRunner.run(s)
        #expect(r.findings.map(\.kind) == [.hang])
        #expect(r.findings.first?.detail.contains("[forever] read req") == true)
        #expect(!r.ok)
    }

    @Test func boardSetupFailureRunsNothing() {
        let s = Scenario("bad board", board: BoardSpec(devices: [PlatformDeviceSpec(name: "x.0"), PlatformDeviceSpec(name: "x.0")])) {
            ActorSpec("a") { StepSpec.unbind("x.0") }
        }
        let r = ScenarioRunner.run(s)
        #expect(r.setupError != nil)
        #expect(r.steps.isEmpty)
        #expect(!r.ok)
    }
}
