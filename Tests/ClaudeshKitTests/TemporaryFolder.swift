import Foundation

/// A new empty folder for one test; the test removes it.
func temporaryFolder(_ prefix: String) -> String {
    let path = NSTemporaryDirectory() + "claudesh-\(prefix)-\(UUID().uuidString.prefix(8))"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
