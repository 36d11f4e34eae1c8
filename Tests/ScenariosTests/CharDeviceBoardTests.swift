import SimHardware
import Testing
@testable import ScenarioExecution
@testable import ScenarioModel

/// SPI controllers, watchdogs and misc devices on a scenario board: the nodes they publish,
/// the drivers that bind them, and steps on those nodes (result-builder form, so the model's
/// Swift API is covered as well as the files).
@Suite struct CharDeviceBoardTests {
    static let board = BoardSpec(spiControllers: [SPIControllerSpec(name: "spi-sim.0", chipSelects: 2, maxSpeedHz: 1_000_000)],
                                 watchdogs: [WatchdogSpec(name: "wdt.0"), WatchdogSpec(name: "wdt.1", timeout: 60)],
                                 miscDevices: [MiscDeviceSpec(name: "misc-sim.0", node: "simpipe", minor: 42)])

    @Test func nodesAndDriversAsDeclared() throws {
        let board = try ScenarioBoard.build(Self.board)
        let expected = ["spidev0.0", "spidev0.1", "watchdog0", "watchdog1", "watchdog", "simpipe"]
        #expect(Self.board.nodeNames == expected)
        #expect(board.sim.dev.paths == expected.map { "/dev/" + $0 }.sorted())
        let tree = TreeText.lines(board.kernel, devres: true)
        #expect(tree.contains { $0.hasPrefix("spi-sim.0 (platform) bound driver=spi-loopback") })
        #expect(tree.contains { $0.hasPrefix("wdt.1 (platform) bound driver=softdog") })
        #expect(tree.contains { $0.hasPrefix("misc-sim.0 (platform) bound driver=misc-pipe") })
        #expect(board.misc.devices.map(\.minor) == [42])
        #expect(board.watchdog.watchdogs.map(\.name) == ["watchdog0", "watchdog1"])
    }

    /// The spec's timeout, nowayout and stop_on_unregister reach the watchdog core: with
    /// nowayout a magic close cannot stop the timer ("watchdog did not stop!"); without
    /// stop_on_unregister an unbind leaves the open watchdog running and the core warns.
    @Test func timeoutNowayoutAndStopOnUnregisterReachTheCore() {
        let board = BoardSpec(watchdogs: [WatchdogSpec(name: "wdt.0", timeout: 45, nowayout: true),
                                          WatchdogSpec(name: "wdt.1", stopOnUnregister: false)])
        let r = Self.run(Scenario("wdt-config", board: board) {
            ActorSpec("d") {
                StepSpec.open("/dev/watchdog0").as("w0")
                StepSpec.ioctl("w0", .wdiocGetTimeout).expect(returns: .int(45))
                StepSpec.write("w0", "V")
                StepSpec.close("w0")
                StepSpec.open("/dev/watchdog1").as("w1")
                StepSpec.unbind("wdt.1")
                StepSpec.close("w1")
            }
        })
        #expect(Self.failures(r).isEmpty, "\(Self.failures(r))")
        let warnings = r.events.filter { $0.kind == "warning" }.map { "\($0.object): \($0.detail)" }
        #expect(warnings == ["watchdog0: watchdog did not stop!", "wdt.1: watchdog1: watchdog still running at unregister"])
    }

    static func run(_ s: Scenario) -> RunResult {
        #expect(ScenarioValidator.validate(s).isEmpty)
        return ScenarioRunner.run(s)
    }

    static func failures(_ r: RunResult) -> [String] { r.expectations.filter { !$0.passed }.map { "\($0.name): \($0.detail)" } }

    @Test func spidevModeSpeedAndMessages() {
        let r = Self.run(Scenario("spi", board: Self.board) {
            ActorSpec("p") {
                StepSpec.open("/dev/spidev0.1").as("s")
                StepSpec.ioctl("s", .spiWriteMode(3))
                StepSpec.ioctl("s", .spiReadMode).expect(returns: .int(3))
                StepSpec.ioctl("s", .spiWriteMode(0x8000_0000)).expect(errno: "EINVAL")   // unknown mode bit
                StepSpec.ioctl("s", .spiWriteMaxSpeed(2_000_000)).expect(errno: "EINVAL") // above the controller's
                StepSpec.ioctl("s", .spiReadMaxSpeed).expect(returns: .int(1_000_000))
                StepSpec.ioctl("s", .spiMessage(tx: [1, 2, 255])).expect(returns: .list([.int(1), .int(2), .int(255)]))
                StepSpec.read("s").expect(returns: .list(Array(repeating: .int(0), count: 16)))
                StepSpec.ioctl("s", .wdiocKeepalive).expect(errno: "ENOTTY")               // not a watchdog
                StepSpec.close("s")
            }
        })
        #expect(Self.failures(r).isEmpty, "\(Self.failures(r))")
    }

    @Test func watchdogIsSingleOpenAndChecksTimeouts() {
        let r = Self.run(Scenario("wdt", board: Self.board) {
            ActorSpec("d") {
                StepSpec.open("/dev/watchdog1").as("w")
                StepSpec.open("/dev/watchdog1").expect(errno: "EBUSY")      // single opener
                StepSpec.ioctl("w", .wdiocGetTimeout).expect(returns: .int(60))
                StepSpec.ioctl("w", .wdiocSetTimeout(seconds: 601)).expect(errno: "EINVAL")
                StepSpec.ioctl("w", .wdiocGetStatus).expect(returns: .int(0x8000))  // keep-alive seen since open
                StepSpec.write("w", "V")
                StepSpec.ioctl("w", .wdiocGetStatus).expect(returns: .int(0x8100))  // + magic close armed
                StepSpec.close("w")
                StepSpec.open("/dev/watchdog").as("legacy")                          // watchdog0's legacy node
                StepSpec.ioctl("legacy", .wdiocGetSupport).expect(returns: .map(["identity": .string("Software Watchdog")]))
                StepSpec.close("legacy")
            }
        })
        #expect(Self.failures(r).isEmpty, "\(Self.failures(r))")
        // The armed magic close stopped watchdog1; watchdog0's close (not armed, but the
        // driver has WDIOF_MAGICCLOSE) left it running: "watchdog did not stop!".
        #expect(r.events.filter { $0.kind == "warning" }.map(\.object) == ["watchdog0"])
    }

    @Test func miscPipeNonblockingAndPoll() {
        let r = Self.run(Scenario("misc", board: Self.board) {
            ActorSpec("p") {
                StepSpec.open("/dev/simpipe", nonblocking: true).as("m")
                StepSpec.read("m").expect(errno: "EAGAIN")
                StepSpec.poll("m").expect(revents: [])              // poll steps ask for POLLIN only
                StepSpec.write("m", "xyz")
                StepSpec.poll("m").expect(revents: ["POLLIN"])
                StepSpec.ioctl("m", .fionread).expect(returns: .int(3))
                StepSpec.ioctl("m", .chipInfo).expect(errno: "ENOTTY")
                StepSpec.read("m").expect(returns: .list([.int(120), .int(121), .int(122)]))
                StepSpec.close("m")
            }
        })
        #expect(Self.failures(r).isEmpty, "\(Self.failures(r))")
    }

    @Test func rebindPublishesFreshNodesWhileOldFilesStayDead() {
        let r = Self.run(Scenario("rebind", board: Self.board) {
            ActorSpec("p") {
                StepSpec.open("/dev/simpipe").as("old")
                StepSpec.unbind("misc-sim.0")
                StepSpec.bind("misc-sim.0", to: BuiltinDrivers.miscPipe)
                StepSpec.ioctl("old", .fionread).expect(errno: "ENODEV")
                StepSpec.open("/dev/simpipe").as("new")
                StepSpec.ioctl("new", .fionread).expect(returns: .int(0))
                StepSpec.close("old")
                StepSpec.close("new")
            }
        })
        #expect(Self.failures(r).isEmpty, "\(Self.failures(r))")
        #expect(r.findings.isEmpty)
    }
}
