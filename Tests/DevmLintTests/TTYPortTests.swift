import Foundation
import Testing
@testable import DevmLint

/// The fixture linted with `--explain`: the ruled-out candidates are diagnostics.
private func explained(_ name: String, parseAll: Bool = false) throws -> LintReport {
    let base = try #require(Bundle.module.resourcePath) + "/Fixtures/" + name
    var o = LintOptions(treeRoot: base, workers: 2, explain: true)
    o.parseAll = parseAll
    return Linter(o).lint(paths: [base + "/drivers"])
}

/// devm memory embedding a tty_port that has a tty node (drivers/tty/tty_io.c keeps
/// `tty->port` until the last close; drivers/tty/tty_port.c frees a port only by its refcount).
@Suite("tty ports in devm memory")
struct TTYPortTests {
    @Test func portsOfADevmBoardGivenNodesAreReported() throws {
        let r = try lintFixture("tty_port_embedded")
        #expect(rules(r) == ["devm-tty-port"])
        let f = try #require(r.findings.first)
        #expect(f.rule.severity == .error)
        #expect(f.message.contains("struct tty_port (struct widget_board.ports.port)"))
        #expect(f.notes.contains { $0.message.contains("tty_port_register_device(&brd->ports[i].port)") })
        #expect(f.notes.contains { $0.message.contains("can be unbound through sysfs") })
        #expect(f.notes.contains { $0.message.contains("release_tty()") })
    }

    @Test func aPortLinkedByInstallOnADriverWithoutRemoveIsReported() throws {
        let r = try lintFixture("tty_port_install")
        #expect(rules(r) == ["devm-tty-port"])
        #expect(r.findings[0].message.contains("(struct fdc_tty.ports.port)"))
        #expect(r.findings[0].evidence?.registration == "tty_port_install")
    }

    @Test func aKcallocArrayOfPortsLinkedByTTYPortAssignmentIsReported() throws {
        let r = try lintFixture("tty_port_assign")
        #expect(rules(r) == ["devm-tty-port"])
        #expect(r.findings.first?.message.contains("struct dbc_port allocated with devm_kcalloc() embeds a struct tty_port (struct dbc_port.port)") == true)
        #expect(r.findings.first?.evidence?.registration == "tty->port")
    }

    @Test func aPortHandedToARegisteringHelperIsReported() throws {
        let r = try lintFixture("tty_port_helper")
        #expect(rules(r) == ["devm-tty-port"])
        #expect(r.findings.first?.notes.contains { $0.message.contains("tty_port_register_device(port)") } == true)
    }

    @Test func aPortRegisteredThroughAWrapperOneFolderUpIsReported() throws {
        let r = try lintFixture("tty_port_wrapper")
        #expect(rules(r) == ["devm-tty-port"])
        let f = try #require(r.findings.first)
        #expect(f.location.file.hasSuffix("widget/widget_acme.c"))
        #expect(f.notes.contains { $0.location?.file.hasSuffix("tty/widget_core.c") == true && $0.message.contains("tty_port_register_device(&wp->port)") })
    }

    @Test func aLinkedPortWithoutANodeIsRuledOutWithTheReason() throws {
        let r = try explained("tty_port_no_node")
        #expect(r.findings.isEmpty)
        #expect(r.diagnostics.contains { $0.contains("struct widget_tty: embeds struct tty_port but no tty node") })
    }

    @Test func aKzallocPortFreedByItsDestructIsNotReported() throws {
        #expect(try lintFixture("tty_port_kzalloc").findings.isEmpty)
    }

    @Test func devmPortsWhoseOpsSetDestructAreRuledOutWithTheReason() throws {
        let r = try explained("tty_port_destruct_devm")
        #expect(r.findings.isEmpty)
        #expect(r.diagnostics.contains { $0.contains("widget_port_ops set .destruct") })
    }

    /// drivers/tty holds many drivers: n_gsm's destructing ops are not mxser's.
    @Test func anotherDriversDestructInTheFolderDoesNotSuppress() throws {
        let r = try lintFixture("tty_port_folder_destruct")
        #expect(rules(r) == ["devm-tty-port"])
        // Its witness names the driver's own tty_operations, not the neighbour's.
        #expect(r.findings.first?.evidence?.fops == "widget_ops")
    }

    @Test func suppressedBindAttributesAreNotReportedTheTTYCorePinsTheModule() throws {
        let r = try explained("tty_port_suppress")
        #expect(r.findings.isEmpty)
        #expect(r.diagnostics.contains { $0.contains("cannot be unbound") && $0.contains("the tty core pins the module") })
    }

    /// Parsed in full (the prefilter alone would skip a UART driver, which names no tty
    /// registration), beside a serial core that does register its uart_state's port.
    @Test func aUartPortInDevmMemoryIsNotThisClass() throws {
        let r = try explained("tty_uart_port", parseAll: true)
        #expect(r.findings.isEmpty)
        #expect(r.diagnostics.contains { $0.contains("struct widget_uart") && $0.contains("embeds struct uart_port") })
    }

    @Test func theEvidenceNamesThePortPathAndRegistration() throws {
        let e = try #require(try lintFixture("tty_port_embedded").findings.first?.evidence)
        #expect(e.route == .ttyPort && e.objectPath == ["ports", "port"])
        #expect((e.container, e.allocator, e.probe) == ("widget_board", "devm_kzalloc", "widget_probe"))
        #expect((e.registration, e.fops, e.driver) == ("tty_port_register_device", "widget_ops", "widget_driver"))
        #expect(e.unbind == .sysfs)
    }

    @Test func theWitnessHasTheTTYShape() throws {
        let plan = try #require(try lintFixture("tty_port_embedded").findings.first?.witnessPlan().get())
        #expect(plan.buggy.contains("ports_port: {kref: widget_board_destruct}"))
        #expect(plan.buggy.contains("tty_port_register_device: {port: priv.ports_port"))
        #expect(plan.buggy.contains("alloc: devm_kzalloc") && plan.fixed.contains("alloc: kzalloc"))
        #expect(plan.fixed.contains("widget_board_destruct: [kfree: self]"))
        #expect(plan.wanted == ["use-after-unbind"])
    }

    @Test func sarifNamesTheRuleAndItsLevel() throws {
        let r = try lintFixture("tty_port_embedded")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(Renderer.sarif(r).utf8)) as? [String: Any])
        let run = try #require((obj["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let ids = (driver["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(ids.contains("devm-tty-port"))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["devm-tty-port"])
        #expect(results.first?["level"] as? String == "error")
    }

    /// A file naming a tty port registration is parsed (prefilter group 0), at every alignment.
    @Test(arguments: ["tty_port_register_device", "tty_port_install", "tty_port_link_device", "tty->port = "])
    func thePrefilterKeepsTTYRegistrations(_ needle: String) {
        for pad in 0..<70 {
            let text = String(repeating: "x", count: pad) + needle + "(&p->port, d, 0);"
            let g = Array(text.utf8).withUnsafeBytes { Linter.prefilter.groups(in: $0, stopMask: 3) }
            #expect(g & 1 == 1, "\(needle) after \(pad) bytes")
        }
    }
}
