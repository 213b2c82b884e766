import FoundationEssentials

/// The schema files in `protocol/schemas/`, found from this source file's path.
enum SchemaFiles {
    static let repositoryRoot: String = {
        var parts = #filePath.split(separator: "/")
        parts.removeLast(3)  // Tests/ModelTests/SchemaFiles.swift
        return "/" + parts.joined(separator: "/")
    }()

    static func read(_ relativePath: String) throws -> [UInt8] {
        let path = repositoryRoot + "/" + relativePath
        guard let data = FileManager.default.contents(atPath: path) else { throw MissingFile(path: path) }
        return Array(data)
    }

    static func validator(_ name: String) throws -> SchemaValidator {
        SchemaValidator(root: try JSONValue.parse(read("protocol/schemas/\(name).json")))
    }
}

/// A file the tests need is not where it should be.
struct MissingFile: Error {
    let path: String
}
