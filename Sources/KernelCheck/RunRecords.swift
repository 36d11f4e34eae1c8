import Foundation
import ScenarioModel

/// The parts of a `devmodel/runs@1` document a step-by-step comparison needs, decoded
/// leniently so that the model's report (`devmodel run --format json`) and the in-kernel
/// executor's report (Scripts/kernel/executor.c) read the same way even as either grows
/// fields. Value types, safe to share across threads; decoding costs one pass over the
/// document and throws on malformed JSON, never crashes.
public struct RunsRecord: Sendable, Decodable {
    public var runs: [RunRecord]

    /// Decodes a document; throws the decoder's error on malformed JSON.
    public static func decode(_ data: Data) throws -> RunsRecord {
        try JSONDecoder().decode(RunsRecord.self, from: data)
    }
}

/// One scenario's run.
public struct RunRecord: Sendable, Decodable {
    public var scenario: String
    public var setupError: String?
    public var steps: [StepRecord]
}

/// One step's outcome.
public struct StepRecord: Sendable, Decodable, Equatable {
    public var actor: String
    public var index: Int
    public var label: String?
    /// The model writes a summary (`read req`), the executor the keyword (`read`): the first
    /// word is the keyword either way.
    public var action: String
    public var errno: String?
    public var message: String?
    public var returns: ScenarioValue?
    public var revents: [String]?
    public var blocked: Bool
    public var finished: Bool
    /// How a step still running at the deadline ended once the executor interrupted the
    /// actors (Linux side only): what had been holding it up.
    public var late: Late?

    /// The end of a step that finished only after the deadline.
    public struct Late: Sendable, Decodable, Equatable {
        public var errno: String
        public var endNanoseconds: UInt64
    }

    public init(actor: String, index: Int, label: String? = nil, action: String, errno: String? = nil,
                message: String? = nil, returns: ScenarioValue? = nil, revents: [String]? = nil, blocked: Bool = false,
                finished: Bool = true) {
        self.actor = actor
        self.index = index
        self.label = label
        self.action = action
        self.errno = errno
        self.message = message
        self.returns = returns
        self.revents = revents
        self.blocked = blocked
        self.finished = finished
    }

    /// The action's keyword (`read`, `ioctl`, `unbind`).
    public var keyword: String { String(action.split(separator: " ").first ?? "") }

    /// The executor could not perform this step on Linux (see Scripts/kernel/executor.c).
    public var skipped: Bool { message?.hasPrefix("skipped:") ?? false }
}
