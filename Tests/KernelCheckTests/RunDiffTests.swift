import Foundation
import ScenarioModel
import Testing
@testable import KernelCheck

@Suite struct RunDiffTests {
    static let scenario = try! ScenarioParser.parse("""
    schema: devmodel/scenario@1
    name: diff-demo
    board:
      gpio_chips:
        - {name: gpio-sim.0, num_lines: 4}
    actors:
      reader:
        - open: gpiochip0
          as: chip
        - request_lines: {file: chip, offsets: [1], consumer: r, edges: true}
          as: req
        - read: req
          label: blocked-read
        - poll: req
        - ioctl: {file: chip, request: chip_info}
          label: racy
        - gpiod_get: {chip: gpiochip0, offset: 2, consumer: led}
          as: led
      admin:
        - unbind: gpio-sim.0
    expect:
      reachable: [racy → OK, racy → ENODEV]
    """, file: "diff-demo.yaml")

    // Shaped as `devmodel run --format json` writes it (the model summarises its actions).
    static let model = """
    {"schema": "devmodel/runs@1", "passed": 0, "failed": 0, "runs": [{"schema": "devmodel/run@1", "scenario": "diff-demo",
     "setup": [], "expectations": [], "findings": [], "events": [], "durationNanoseconds": 5, "steps": [
      {"actor": "reader", "index": 0, "action": "open gpiochip0", "blocked": false, "finished": true, "startNanoseconds": 0},
      {"actor": "reader", "index": 1, "action": "request_lines chip [1] consumer=r edges", "blocked": false, "finished": true, "startNanoseconds": 0},
      {"actor": "reader", "index": 2, "label": "blocked-read", "action": "read req", "errno": "ENODEV", "blocked": true, "finished": true, "startNanoseconds": 0},
      {"actor": "reader", "index": 3, "action": "poll req timeout=0", "revents": ["POLLERR", "POLLHUP"], "blocked": false, "finished": true, "startNanoseconds": 0},
      {"actor": "reader", "index": 4, "label": "racy", "action": "ioctl chip GPIO_GET_CHIPINFO_IOCTL", "errno": "ENODEV", "blocked": false, "finished": true, "startNanoseconds": 0},
      {"actor": "reader", "index": 5, "action": "gpiod_get gpiochip0 line 2 consumer=led", "blocked": false, "finished": true, "startNanoseconds": 0},
      {"actor": "admin", "index": 0, "action": "unbind gpio-sim.0", "blocked": true, "finished": true, "startNanoseconds": 0}]}]}
    """

    // Shaped as Scripts/kernel/executor.c writes it.
    static let linux = """
    {"schema":"devmodel/runs@1","passed":0,"failed":0,"runs":[{"schema":"devmodel/run@1","scenario":"diff-demo","kernel":true,
     "setup":[],"steps":[
      {"actor":"reader","index":0,"action":"open","blocked":false,"finished":true,"startNanoseconds":1},
      {"actor":"reader","index":1,"action":"request_lines","blocked":false,"finished":true,"startNanoseconds":1},
      {"actor":"reader","index":2,"label":"blocked-read","action":"read","errno":"ENODEV","blocked":true,"finished":true,"startNanoseconds":1},
      {"actor":"reader","index":3,"action":"poll","revents":["POLLHUP","POLLERR","POLLIN"],"blocked":false,"finished":true,"startNanoseconds":1},
      {"actor":"reader","index":4,"label":"racy","action":"ioctl","returns":{"label":"gpio-sim.0","lines":4,"name":"gpiochip0"},"blocked":false,"finished":true,"startNanoseconds":1},
      {"actor":"reader","index":5,"action":"gpiod_get","errno":"ENOSYS","message":"skipped: gpiod_get has no user-space counterpart on Linux","blocked":false,"finished":true,"startNanoseconds":1},
      {"actor":"admin","index":0,"action":"unbind","blocked":false,"finished":true,"startNanoseconds":1}],
     "expectations":[],"findings":[],"events":[],"durationNanoseconds":9}]}
    """

    static func rows() throws -> [RunDiff.Row] {
        let m = try RunsRecord.decode(Data(model.utf8)).runs[0]
        let k = try RunsRecord.decode(Data(linux.utf8)).runs[0]
        return RunDiff.compare(scenario, model: m, kernel: k)
    }

    @Test func everyStepOnceInScenarioOrder() throws {
        #expect(try Self.rows().map { "\($0.actor)[\($0.index)]" } == ["reader[0]", "reader[1]", "reader[2]", "reader[3]",
                                                                       "reader[4]", "reader[5]", "admin[0]"])
    }

    @Test func verdicts() throws {
        let v = try Self.rows().map(\.verdict)
        #expect(v == [.same, .same, .same, .differs, .differs, .skipped, .same])
    }

    @Test func revEventsCompareAsSetsAndNameTheField() throws {
        let poll = try Self.rows()[3]
        #expect(poll.fields == ["revents"])
        #expect(poll.model == "OK [POLLERR|POLLHUP]")
        #expect(poll.kernel == "OK [POLLERR|POLLHUP|POLLIN]")
    }

    @Test func aRacyStepAgreesOnlyOnAnErrnoTheScenarioDeclaresReachable() throws {
        // Linux returned a value where the model failed: errno and returns differ, so even a
        // declared race does not cover it.
        let racy = try Self.rows()[4]
        #expect(racy.fields == ["errno", "returns"])
        #expect(racy.verdict == .differs)
        let m = StepRecord(actor: "reader", index: 4, action: "ioctl", errno: "ENODEV")
        let k = StepRecord(actor: "reader", index: 4, action: "ioctl", errno: nil)
        let rows = RunDiff.compare(Self.scenario, model: RunRecord(scenario: "diff-demo", steps: [m]),
                                   kernel: RunRecord(scenario: "diff-demo", steps: [k]))
        #expect(rows[4].verdict == .reachable)
    }

    @Test func blockedIsComparedForReadAndPollOnly() {
        let m = StepRecord(actor: "a", index: 0, action: "unbind gpio-sim.0", blocked: true)
        let k = StepRecord(actor: "a", index: 0, action: "unbind", blocked: false)
        #expect(RunDiff.differingFields(m, k).isEmpty)
        let mr = StepRecord(actor: "a", index: 0, action: "read req", blocked: true)
        let kr = StepRecord(actor: "a", index: 0, action: "read", blocked: false)
        #expect(RunDiff.differingFields(mr, kr) == ["blocked"])
    }

    @Test func tableEndsWithCounts() throws {
        let text = RunDiff.table(try Self.rows(), scenario: "diff-demo")
        #expect(text.hasPrefix("== diff-demo\n"))
        #expect(text.hasSuffix("4 same, 0 reachable, 1 skipped, 2 differ\n"))
        #expect(text.contains("DIFFERS: revents"))
    }
}

@Suite struct RunDiffSeveralModelRunsTests {
    @Test func aLinuxOutcomeAnotherModelRunProducedIsReachable() {
        let s = Scenario(name: "two", actors: [ActorSpec(name: "a", steps: [StepSpec(.open(path: "gpiochip0", nonblocking: false))])])
        let first = RunRecord(scenario: "two", steps: [StepRecord(actor: "a", index: 0, action: "open gpiochip0", errno: "ENODEV")])
        let second = RunRecord(scenario: "two", steps: [StepRecord(actor: "a", index: 0, action: "open gpiochip0")])
        let linux = RunRecord(scenario: "two", steps: [StepRecord(actor: "a", index: 0, action: "open")])
        #expect(RunDiff.compare(s, models: [first], kernel: linux)[0].verdict == .differs)
        let row = RunDiff.compare(s, models: [first, second], kernel: linux)[0]
        #expect(row.verdict == .reachable)
        #expect(row.model == "ENODEV")
    }
}

@Suite struct RunDiffAfterSkippedTests {
    @Test func stepsThatWaitedForASkippedStepAreSetApart() throws {
        let s = try ScenarioParser.parse("""
        schema: devmodel/scenario@1
        name: wd
        board:
          watchdogs:
            - {name: wdt.0, timeout: 30}
        actors:
          daemon:
            - open: /dev/watchdog0
              as: wdt
            - ioctl: {file: wdt, request: wdioc_keepalive}
              after: unbind
            - close: wdt
          admin:
            - unbind: wdt.0
              label: unbind
        """, file: "wd.yaml")
        let model = RunRecord(scenario: "wd", steps: [
            StepRecord(actor: "daemon", index: 0, action: "open /dev/watchdog0"),
            StepRecord(actor: "daemon", index: 1, action: "ioctl wdt WDIOC_KEEPALIVE", errno: "ENODEV"),
            StepRecord(actor: "daemon", index: 2, action: "close wdt"),
            StepRecord(actor: "admin", index: 0, label: "unbind", action: "unbind wdt.0")])
        let linux = RunRecord(scenario: "wd", steps: [
            StepRecord(actor: "daemon", index: 0, action: "open"),
            StepRecord(actor: "daemon", index: 1, action: "ioctl"),
            StepRecord(actor: "daemon", index: 2, action: "close"),
            StepRecord(actor: "admin", index: 0, label: "unbind", action: "unbind", errno: "ENOSYS",
                       message: "skipped: softdog is not bound to a device, unbind has nothing to act on")])
        let rows = RunDiff.compare(s, model: model, kernel: linux)
        #expect(rows.map(\.verdict) == [.same, .afterSkipped, .same, .skipped])
        #expect(RunDiff.table(rows, scenario: "wd").hasSuffix("2 same, 0 reachable, 1 skipped, 0 differ, 1 after a skipped step\n"))
    }
}
