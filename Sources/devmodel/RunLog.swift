import Logging
import ScenarioExecution
import ScenarioModel

/// What `run` tells the log about each scenario it ran, by level: info the verdict, debug
/// every step's outcome, trace every model event. Results themselves go to stdout whatever
/// the level; this is for watching a run (`-v`, `-vv`, `-vvv`).
enum RunLog {
    static func record(_ r: RunResult) {
        let log = Diagnostics.log
        log.info("\(r.scenario): \(r.passed) passed, \(r.failed) failed, \(r.findings.count) findings")
        if let setup = r.setupError { log.warning("\(r.scenario): the board could not be built: \(setup)") }
        for f in r.findings { log.warning("\(r.scenario): finding \(f.kind.rawValue) \(f.object): \(f.detail)") }
        if log.logLevel <= .debug {
            for s in r.steps {
                let outcome = s.errno ?? "ok"
                log.debug("\(r.scenario): \(s.actor)#\(s.index + 1) \(s.action) -> \(outcome)\(s.blocked ? " (blocked)" : "")")
            }
        }
        if log.logLevel <= .trace {
            for e in r.events {
                log.trace("\(r.scenario): [\(e.timeNanoseconds) ns] \(e.kind) \(e.object) \(e.detail)")
            }
        }
    }
}
