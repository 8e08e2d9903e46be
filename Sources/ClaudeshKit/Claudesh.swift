/// claudesh's own identity: what `version` prints and what the MCP probe calls itself.
public enum Claudesh {
    public static let version = "0.1.0"
}
