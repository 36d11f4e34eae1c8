import ScenarioModel

/// The Promela text of a checked ``Plan``: globals, one process per actor, the observer.
extension Plan {
    func render() -> String {
        let steps = scenario.actors.flatMap(\.steps).count
        var out = "/* \(scenario.name): exported by `devmodel promela` for a SPIN cross-check of `devmodel explore`.\n"
            + "   spin -a FILE && gcc -DPRINTF -DSAFETY -o pan pan.c && ./pan -E -m100000 */\n\n"
        out += PromelaModel.prelude(instances: instances, files: slotOfOpen.count, steps: steps, devices: devices.count)
        out += "#define NA \(scenario.actors.count)\n"
        out += handles.indices.map { "byte h\($0);  /* handle '\(handles[$0])' */\n" }.joined() + "\n"
        var first = 0
        for (a, actor) in scenario.actors.enumerated() {
            out += process(a, actor, firstStep: first)
            first += actor.steps.count
        }
        out += observer()
        out += setup()
        return out
    }

    private func handleVar(_ name: String) -> String { "h\(handles.firstIndex(of: name)!)" }

    private func process(_ a: Int, _ actor: ActorSpec, firstStep: Int) -> String {
        var body = "proctype actor\(a)() {  /* \(actor.name) */\n  byte t; bool entered; byte g; bool got;\n"
        for (i, step) in actor.steps.enumerated() {
            let k = firstStep + i
            body += "  /* \(actor.name)[\(i + 1)]: \(step.action.summary) */\n"
            body += lines(for: step, key: StepKey(actor: a, step: i), result: "res[\(k)]")
                .map { "  " + $0 + "\n" }.joined()
        }
        return body + "  done++\n}\n\n"
    }

    /// The transitions of one step; `r` is its result variable.
    private func lines(for step: StepSpec, key: StepKey, result r: String) -> [String] {
        let started = PromelaModel.started
        let code = { (name: String) in PromelaModel.code(name)! }
        switch step.action {
        case .open(let path, _):
            let d = device(node: path)!
            let slot = slotOfOpen[key]!
            let h = handleVar(step.definedHandle!)
            // Lookup and reference under the namespace lock, then the driver's open in the fence.
            return [
                "atomic { \(r) = \(started);",
                "  if :: node[\(d)] == 0 -> \(r) = \(code("ENOENT"))",
                "     :: else -> t = node[\(d)]; if :: gone[t] -> \(r) = \(code("ENODEV")) :: else -> refs[t]++ fi",
                "  fi }",
                "if :: \(r) == \(started) ->",
                "   enter(t, entered);",
                "   if :: entered -> atomic { touch(t) }; atomic { inflight[t]--; finst[\(slot)] = t; \(h) = \(slot); \(r) = \(code("OK")) }",
                "      :: else -> atomic { put(t); \(r) = \(code("ENODEV")) }",
                "   fi",
                ":: else -> skip fi;",
            ]
        case .close(let f):
            let h = handleVar(f)
            return fileCheck(h, r, closes: true) + [
                "if :: \(r) == \(started) ->",
                "   enter(t, entered);",
                "   if :: entered -> atomic { touch(t) }; leave(t) :: else -> skip fi;",
                "   atomic { put(t); \(r) = \(code("OK")) }",
                ":: else -> skip fi;",
            ]
        case .ioctl(let f, let request):
            var outcome = "OK"
            if case .lineInfo(let offset) = request, case .gpioChip(let lines) = kind(of: f), !(0..<lines).contains(offset) {
                outcome = "EINVAL"
            }
            return call(on: f, r, body: "touch(t)", result: code(outcome))
        case .poll(let f, _):
            // A gone device reports POLLHUP|POLLERR: the call itself succeeds either way.
            return call(on: f, r, body: "touch(t)", result: code("OK"), revokedResult: code("OK"))
        case .write(let f, let data):
            let n = data.utf8.count
            let notify = n > 0 ? "; atomic { gen[t]++ }" : ""
            return call(on: f, r, body: "touch(t); pipebytes[t] = pipebytes[t] + \(n)\(notify)", result: code("OK"))
        case .read(let f):
            // A pipe hands out up to 16 queued bytes; a chip file never has anything queued
            // (no line-info events are modelled), so its reader sleeps until the chip goes,
            // or gets EAGAIN when non-blocking — lineinfo_watch_read in gpiolib-cdev.c.
            let take = if case .miscPipe = kind(of: f) {
                "if :: pipebytes[t] > 0 -> got = 1; if :: pipebytes[t] > 16 -> pipebytes[t] = pipebytes[t] - 16 :: else -> pipebytes[t] = 0 fi\n"
                    + "                              :: else -> got = 0 fi"
            } else {
                "got = 0"
            }
            let nonblocking = opening(f)?.nonblocking ?? false
            return fileCheck(handleVar(f), r) + [
                "if :: \(r) == \(started) ->",
                "   do",
                "   :: g = gen[t];",
                "      enter(t, entered);",
                "      if :: !entered -> \(r) = \(code("ENODEV")); break :: else -> skip fi;",
                "      atomic { touch(t); \(take) }",
                "      atomic { inflight[t]--; if :: got -> \(r) = \(code("OK")) :: else -> skip fi }",
                "      if :: got -> break :: else -> skip fi;",
                nonblocking ? "      \(r) = \(code("EAGAIN")); break"
                    : "      atomic { (gone[t] || gen[t] != g);  /* sleep outside the fence; woken by a gone device: ENODEV */\n"
                    + "               if :: gone[t] -> \(r) = \(code("ENODEV")) :: else -> skip fi }\n"
                    + "      if :: \(r) != \(started) -> break :: else -> skip fi",
                "   od",
                ":: else -> skip fi;",
            ]
        case .unbind(let d):
            let dev = device(named: d)!
            let t = instanceOfUnbind[key]!
            // CharDevice.unregister, then devres frees the driver's memory (LIFO: it was
            // allocated before the registration).
            return [
                "atomic { \(r) = \(started); gone[\(t)] = 1 }",
                "atomic { node[\(dev)] = 0 }",
                "atomic { revoked[\(t)] = 1 }",
                "(inflight[\(t)] == 0);  /* synchronize: waits for calls in flight only */",
                "atomic { put(\(t)) }",
                "atomic { datafreed[\(t)] = 1; \(r) = \(code("OK")) }",
            ]
        case .bind(let d, _):
            let dev = device(named: d)!
            let t = instanceOfBind[key]!
            return ["atomic { \(r) = \(started); refs[\(t)] = 1; node[\(dev)] = \(t); \(r) = \(code("OK")) }"]
        default:
            preconditionFailure("checked by Plan.check")
        }
    }

    /// `fget`: EBADF on a handle never opened, EBADF and a finding on a closed file.
    private func fileCheck(_ h: String, _ r: String, closes: Bool = false) -> [String] {
        [
            "atomic { \(r) = \(PromelaModel.started);",
            "  if :: \(h) == 0 -> \(r) = \(PromelaModel.code("EBADF")!)",
            "     :: \(h) != 0 && fclosed[\(h)] -> \(r) = \(PromelaModel.code("EBADF")!); finding = 1",
            "     :: else -> t = finst[\(h)]\(closes ? "; fclosed[\(h)] = 1" : "")",
            "  fi }",
        ]
    }

    /// A call through the fence: ENODEV (or `revokedResult`) once revoked, else `body` in the
    /// driver, then the exit.
    private func call(on f: String, _ r: String, body: String, result: Int, revokedResult: Int? = nil) -> [String] {
        let started = PromelaModel.started
        return fileCheck(handleVar(f), r) + [
            "if :: \(r) == \(started) ->",
            "   enter(t, entered);",
            "   if :: entered -> atomic { \(body) }; atomic { inflight[t]--; \(r) = \(result) }",
            "      :: else -> \(r) = \(revokedResult ?? PromelaModel.code("ENODEV")!)",
            "   fi",
            ":: else -> skip fi;",
        ]
    }

    /// Waits for every actor or for a hang, then prints the outcome the way the explorer
    /// writes it, and the verdict: a hang, a finding or a missed errno expectation fails.
    private func observer() -> String {
        var o = "proctype observer() {\n  if :: done == NA -> skip :: timeout -> skip fi;\n  d_step {\n    printf(\"OUTCOME\");\n"
        var k = 0
        var mismatches: [String] = []
        for actor in scenario.actors {
            for (i, step) in actor.steps.enumerated() {
                let name = "\(actor.name)[\(i + 1)]"
                o += "    if"
                for e in PromelaModel.errnoCodes { o += " :: res[\(k)] == \(e.code) -> printf(\" \(name)=\(e.name)\")" }
                o += " :: res[\(k)] == \(PromelaModel.started) -> printf(\" \(name)=unfinished\") :: else -> skip fi;\n"
                if let e = step.expect.errno { mismatches.append("res[\(k)] != \(PromelaModel.code(e)!)") }
                k += 1
            }
        }
        let fail = (["done != NA", "finding"] + mismatches).joined(separator: " || ")
        o += "    if :: \(fail) -> printf(\" VERDICT=fail\\n\") :: else -> printf(\" VERDICT=pass\\n\") fi\n  }\n}\n\n"
        return o
    }

    /// The board at setup: each device's first instance registered and published.
    private func setup() -> String {
        var s = "init {\n  atomic {\n"
        for d in devices.indices { s += "    node[\(d)] = \(d + 1); refs[\(d + 1)] = 1;  /* \(devices[d].name): /dev/\(devices[d].node) */\n" }
        for a in scenario.actors.indices { s += "    run actor\(a)();\n" }
        return s + "    run observer()\n  }\n}\n"
    }
}
