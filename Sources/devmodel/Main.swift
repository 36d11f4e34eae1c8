import ArgumentParser
import Foundation

// In a file of its own so that DevModel.swift (its help text, its subcommand list) stays
// what other branches change.
extension DevModel {
    /// ArgumentParser's own main, except for a ValidationError thrown by `run()` (values
    /// only checkable there, such as a line name): its usage line is the subcommand's that
    /// ran, as for errors found while parsing, not the root's `devmodel <subcommand>`.
    static func main() {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch let error as ValidationError {
            let sub = type(of: command)
            let name = ([Self.configuration.commandName ?? "devmodel"] + path(to: sub)).joined(separator: " ")
            FileHandle.standardError.write(Data("""
                Error: \(error.message)
                Usage: \(usageString(for: sub))
                  See '\(name) --help' for more information.

                """.utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }

    /// The subcommand names from the root to `target` (empty for the root).
    private static func path(to target: any ParsableCommand.Type) -> [String] {
        func search(_ node: any ParsableCommand.Type, _ trail: [String]) -> [String]? {
            if node == target { return trail }
            for sub in node.configuration.subcommands {
                let name = sub.configuration.commandName ?? sub._commandName
                if let found = search(sub, trail + [name]) { return found }
            }
            return nil
        }
        return search(Self.self, []) ?? []
    }
}
