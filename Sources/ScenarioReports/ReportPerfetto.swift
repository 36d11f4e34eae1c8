import ScenarioExecution
import ScenarioModel
import Foundation

/// A run as a Chrome/Perfetto trace (the JSON "Trace Event Format" that ui.perfetto.dev and
/// chrome://tracing open): one track per actor with a slice per step, instants for the
/// lifetime events that matter (revoke, ENODEV, uevents), async slices for each object's
/// lifetime (they overlap), and flow arrows from an unbind to every reader it woke with ENODEV.
///
/// Cost: one pass over steps and events. Times are microseconds (the format's unit) with
/// nanosecond precision kept in the fraction.
public enum ReportPerfetto {
    /// Event kinds shown as instants on the emitting actor's track.
    static let instants: Set<String> = ["revocable.revoke", "file.enodev", "device.add", "device.del",
                                        "driver.bind", "driver.unbind", "probe.deferred", "warning", "cdev.unregister"]

    public static func render(_ runs: [RunResult]) throws -> String {
        var events: [[String: Any]] = []
        // Flow ids are global to the trace (the viewer joins an 's' to every 'f' with its id,
        // across processes): counted over all scenarios, never restarted per scenario.
        var flowID = 0
        for (pid, run) in runs.enumerated() {
            events.append(meta("process_name", pid: pid, tid: 0, name: run.scenario))
            var tids: [String: Int] = ["kernel": 0]
            func tid(_ actor: String?) -> Int {
                let key = actor ?? "kernel"
                if let t = tids[key] { return t }
                let t = tids.count
                tids[key] = t
                events.append(meta("thread_name", pid: pid, tid: t, name: key))
                return t
            }
            events.append(meta("thread_name", pid: pid, tid: 0, name: "kernel"))
            for step in run.steps {
                let end = step.endNanoseconds ?? run.durationNanoseconds
                var args: [String: Any] = ["errno": step.errno ?? "OK", "blocked": step.blocked]
                if let label = step.label { args["label"] = label }
                if let message = step.message { args["message"] = message }
                events.append(["ph": "X", "pid": pid, "tid": tid(step.actor), "name": step.action, "cat": "syscall",
                               "ts": us(step.startNanoseconds), "dur": us(end - min(end, step.startNanoseconds)),
                               "args": args])
            }
            var lastUnbind: (ts: UInt64, tid: Int, id: Int)?
            for e in run.events {
                let t = tid(e.actor)
                if instants.contains(e.kind) {
                    events.append(["ph": "i", "s": "t", "pid": pid, "tid": t, "name": "\(e.kind) \(e.object)", "cat": "lifetime",
                                   "ts": us(e.timeNanoseconds), "args": ["detail": e.detail, "site": e.site]])
                }
                switch e.kind {
                case "device.initialize":
                    events.append(["ph": "b", "pid": pid, "tid": t, "name": e.object, "cat": "object",
                                   "id": "\(pid)-\(e.object)", "ts": us(e.timeNanoseconds)])
                case "device.release":
                    events.append(["ph": "e", "pid": pid, "tid": t, "name": e.object, "cat": "object",
                                   "id": "\(pid)-\(e.object)", "ts": us(e.timeNanoseconds)])
                case "driver.remove":
                    flowID += 1
                    lastUnbind = (e.timeNanoseconds, t, flowID)
                    events.append(["ph": "s", "pid": pid, "tid": t, "name": "wakes", "cat": "flow", "id": flowID,
                                   "ts": us(e.timeNanoseconds)])
                case "file.enodev" where lastUnbind != nil && e.detail.hasPrefix("read"):
                    events.append(["ph": "f", "bp": "e", "pid": pid, "tid": t, "name": "wakes", "cat": "flow",
                                   "id": lastUnbind!.id, "ts": us(e.timeNanoseconds)])
                default:
                    break
                }
            }
        }
        let data = try JSONSerialization.data(withJSONObject: ["traceEvents": events, "displayTimeUnit": "ns"],
                                              options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func meta(_ name: String, pid: Int, tid: Int, name value: String) -> [String: Any] {
        ["ph": "M", "pid": pid, "tid": tid, "name": name, "args": ["name": value]]
    }

    static func us(_ ns: UInt64) -> Double { Double(ns) / 1_000 }
}
