import Foundation
import Instrumentation
import Testing
@testable import ScenarioModel

/// Broken variants of every example — truncated anywhere, a byte replaced, lines swapped —
/// must never crash the parser: each either parses to a valid scenario or fails with
/// located diagnostics inside the file. Deterministic (a fixed-seed generator).
@Suite struct FuzzedScenarioTests {
    static let replacements: [Character] = [":", "-", " ", "{", "}", "[", "]", "\"", "'", "#", "\n", "\t", "x", "9", "&", "*", "!", "|", ">", "%", "@"]

    static func variants(of text: String, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        let chars = Array(text)
        var out: [String] = []
        for _ in 0..<40 {
            out.append(String(chars.prefix(Int.random(in: 0...chars.count, using: &rng))))
            var mutated = chars
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !mutated.isEmpty {
                mutated[Int.random(in: 0..<mutated.count, using: &rng)] = replacements.randomElement(using: &rng)!
            }
            out.append(String(mutated))
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count > 2 {
                let i = Int.random(in: 0..<lines.count, using: &rng), j = Int.random(in: 0..<lines.count, using: &rng)
                lines.swapAt(i, j)
            }
            out.append(lines.joined(separator: "\n"))
        }
        return out
    }

    @Test(arguments: Examples.files.map(\.lastPathComponent))
    func brokenVariantsGiveLocatedErrorsOrValidScenarios(_ name: String) throws {
        let text = try String(contentsOf: Examples.directory.appendingPathComponent(name), encoding: .utf8)
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
        var rejected = 0
        for (n, variant) in Self.variants(of: text, seed: UInt64(name.utf8.count)).enumerated() {
            do {
                let s = try ScenarioParser.parse(variant, file: name)
                #expect(ScenarioValidator.validate(s).isEmpty, "variant \(n) parsed but does not validate")
            } catch {
                rejected += 1
                #expect(!error.diagnostics.isEmpty)
                for d in error.diagnostics {
                    #expect(d.location.line >= 1 && d.location.line <= lineCount + 1, "variant \(n): \(d)")
                    #expect(d.location.column >= 1)
                    #expect(d.description.hasPrefix("\(name):\(d.location.line):\(d.location.column): error: "))
                }
            }
        }
        #expect(rejected > 0)
    }
}
