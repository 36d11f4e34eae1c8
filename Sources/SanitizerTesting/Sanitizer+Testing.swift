import Sanitizer
import Testing

extension Sanitizer {
    /// Records a Swift Testing `Issue` with the KASAN-shaped report of every finding, so that
    /// a finding fails the current test. With `checkingLeaks` the end-of-run leak checks are
    /// included: call it when the scenario has torn everything down.
    public func expectNoFindings(checkingLeaks: Bool = true, history: Bool = false,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        let all = checkingLeaks ? finish() : findings
        for finding in all {
            Issue.record(Comment(rawValue: finding.render(history: history)), sourceLocation: sourceLocation)
        }
    }
}
