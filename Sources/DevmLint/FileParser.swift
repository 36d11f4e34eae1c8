/// Reads, tokenizes and parses one file. Malformed input never traps: the tokenizer and
/// parser are total; an unreadable file yields nil and a diagnostic upstream.
enum FileParser {
    static func parse(path: String, using buffer: ReadBuffer? = nil) -> FileUnit? {
        SourceFiles.withContents(path, using: buffer) { parse(buffer: $0, path: path) }
    }

    static func parse(bytes: [UInt8], path: String) -> FileUnit {
        bytes.withUnsafeBufferPointer { parse(buffer: $0, path: path) }
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, path: String) -> FileUnit {
        let tf = Tokenizer.run(buffer)
        return Parser(tokens: tf.tokens, path: path).parse(tf)
    }
}
