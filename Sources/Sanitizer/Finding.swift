import Instrumentation

/// The kinds of lifetime bug the sanitizer reports, named the way KASAN and lockdep would.
public enum FindingKind: String, Sendable, Codable, CaseIterable {
    case useAfterRelease = "use-after-release"
}
