/// Reads, tokenizes and parses one file. Malformed input never traps: the tokenizer and
/// parser are total; an unreadable file yields nil and a diagnostic upstream.
enum FileParser {
    static func parse(path: String) -> FileUnit? {
        guard let bytes = SourceFiles.read(path) else { return nil }
        return parse(bytes: bytes, path: path)
    }

    static func parse(bytes: [UInt8], path: String) -> FileUnit {
        let tf = Tokenizer(bytes: bytes).run()
        return Parser(tokens: tf.tokens, path: path).parse(tf)
    }
}
